"""Who may see and change what: the one place that decides it.

Inspection dates and outcomes are public information, so every signed-in user may see every
council's events. Staff hours and the create, edit and delete pages belong to the council:
a council user sees only their own council's hours and edits only if they are its editor.
LGA officers read everything; administrators (superusers) manage everything.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import CouncilMembership


@dataclass(frozen=True)
class UserAccess:
    is_authenticated: bool
    is_admin: bool = False
    is_lga_officer: bool = False
    council_id: int | None = None
    role: str | None = None
    # The region of the user's council (None without one): figures about a region the council
    # is not in are the same for its users as for anyone's (inspections.disclosure).
    council_region_id: int | None = None

    @property
    def sees_all_hours(self) -> bool:
        return self.is_admin or self.is_lga_officer

    @property
    def label(self) -> str:
        if self.is_admin:
            return "Administrator"
        if self.is_lga_officer:
            return "LGA officer"
        if self.role:
            return f"Council {self.role}"
        return "No council"

    def can_see_hours_of(self, council_id: int) -> bool:
        return self.sees_all_hours or (
            self.council_id is not None and self.council_id == council_id
        )

    def can_edit_council(self, council_id: int) -> bool:
        return self.is_admin or (
            self.role == CouncilMembership.Role.EDITOR and self.council_id == council_id
        )

    def hours_filter(self, council_field: str = "council") -> Q:
        """A filter for rows whose staff hours this user may see (rows reached by council)."""
        if self.sees_all_hours:
            return Q()
        if self.council_id is None:
            return Q(pk__in=[])
        return Q(**{f"{council_field}_id": self.council_id})

    def edit_filter(self, council_field: str = "council") -> Q:
        if self.is_admin:
            return Q()
        if self.role != CouncilMembership.Role.EDITOR or self.council_id is None:
            return Q(pk__in=[])
        return Q(**{f"{council_field}_id": self.council_id})


def access_for(user) -> UserAccess:
    """The user's access, computed once per request and kept on the user object."""
    cached = getattr(user, "_burden_access", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        access = UserAccess(is_authenticated=False)
    elif user.is_superuser:
        access = UserAccess(is_authenticated=True, is_admin=True)
    else:
        # One query on every page: the user's membership (one at most) and LGA officer mark.
        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .values(
                "council_membership__council_id",
                "council_membership__council__region_id",
                "council_membership__role",
                "lga_officer",
            )
            .first()
            or {}
        )
        access = UserAccess(
            is_authenticated=True,
            is_lga_officer=row.get("lga_officer") is not None,
            council_id=row.get("council_membership__council_id"),
            role=row.get("council_membership__role"),
            council_region_id=row.get("council_membership__council__region_id"),
        )
    user._burden_access = access
    return access

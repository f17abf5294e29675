"""Reads of the audit history (django-simple-history): what an event's page shows as "History".

Each entry says when, who (the signed-in user who made the change; the importing user for an
import; "the system" for loads and tasks) and what: created, the fields changed with their old
and new values, deleted, restored; and, for those who may see the event's hours, each staff
time entry added, changed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import InspectionEvent, StaffTime

# Kept on the row for the app's own use; not what a person changed.
_NOT_SHOWN = {"updated_at", "version", "created_at", "created_by", "source_loaded_at"}
_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[str]


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "The system"
    return user.get_full_name() or user.get_username()


def _shown(model, name: str, value) -> str:
    if value in (None, ""):
        return "(empty)"
    field = model._meta.get_field(name)
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"(deleted, id {value})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _entry_summary(record) -> str:
    return (
        f"{_shown(StaffTime, 'team', record.team)}, {_shown(StaffTime, 'phase', record.phase)}: "
        f"{record.hours} hours, {record.people} "
        f"{'person' if record.people == 1 else 'people'}"
    )


def event_history(event: InspectionEvent, *, with_staff_time: bool) -> list[HistoryEntry]:
    """The event's history, newest first; its staff time's too if ``with_staff_time``."""
    records = list(
        InspectionEvent.history.filter(id=event.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        changes = []
        action = _ACTIONS[record.history_type]
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous, excluded_fields=_NOT_SHOWN)
            changes = [
                f"{_label(InspectionEvent, c.field)}: {_shown(InspectionEvent, c.field, c.old)} "
                f"→ {_shown(InspectionEvent, c.field, c.new)}"
                for c in delta.changes
            ]
            if not changes:
                previous = record
                continue  # saved with nothing a person would see changed
        if record.history_type == "+" and previous is not None and previous.history_type == "-":
            action = "Restored"
        if record.history_change_reason:
            changes.append(f"({record.history_change_reason})")
        entries.append(HistoryEntry(record.history_date, _who(record), action, changes))
        previous = record
    if with_staff_time:
        last: dict[int, object] = {}
        for record in (
            StaffTime.history.filter(event_id=event.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ):
            before = last.get(record.id)
            if record.history_type == "~" and before is not None:
                changes = [f"{_entry_summary(before)} → {_entry_summary(record)}"]
            else:
                changes = [_entry_summary(record)]
            action = {"+": "Staff time added", "~": "Staff time changed", "-": "Staff time removed"}
            entries.append(
                HistoryEntry(
                    record.history_date, _who(record), action[record.history_type], changes
                )
            )
            last[record.id] = record
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries

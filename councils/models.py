from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """One of the nine English regions (ONS codes E12000001–E12000009)."""

    code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("region-dashboard", args=[self.slug])


class Council(models.Model):
    """A council with children's services responsibilities (153 in England)."""

    class Kind(models.TextChoices):
        COUNTY = "county", "County"
        UNITARY = "unitary", "Unitary authority"
        METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
        LONDON_BOROUGH = "london_borough", "London borough"
        OTHER = "other", "Other"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    dfe_number = models.CharField("DfE LA number", max_length=3, unique=True)
    ofsted_urn = models.CharField("Ofsted URN", max_length=10, unique=True, null=True, blank=True)
    population_0_25 = models.PositiveIntegerField(
        "population aged 0–25", null=True, blank=True, help_text="ONS estimate, via Ofsted's lookup"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="councils")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # A council that stops existing (a merger) is deactivated: its events stay.
    is_active = models.BooleanField("active", default=True)
    created_on = models.DateField(
        "created on",
        null=True,
        blank=True,
        help_text="For a council created by a reorganisation (e.g. Cumberland, 1 April 2023): "
        "its history starts here. Blank for councils that existed before.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("council-detail", args=[self.slug])


class CouncilMembership(models.Model):
    """Links a user to the one council they work for, as an editor or a viewer."""

    class Role(models.TextChoices):
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_membership"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council__name", "user__username"]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.council}"


class LgaOfficer(models.Model):
    """Marks a user as an LGA officer: reads every council's events and staff hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lga_officer"
    )
    job_title = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "LGA officer"

    def __str__(self):
        return str(self.user)


class CouncilAlias(models.Model):
    """Another name a file may use for a council ("Hull", "BCP"): data an administrator extends.

    Matched as the resolver matches every name (``councils.resolver.council_name_key``: case,
    punctuation, "City of", "Council" and the like do not matter).
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=150)
    key = models.CharField(
        max_length=150, unique=True, editable=False, help_text="The name as the resolver matches it"
    )
    note = models.CharField(max_length=200, blank=True, help_text="Where the name is used")

    class Meta:
        ordering = ["council__name", "name"]
        verbose_name = "council alias"
        verbose_name_plural = "council aliases"

    def __str__(self):
        return f"{self.name} → {self.council}"

    def clean(self):
        from .resolver import council_name_key

        self.key = council_name_key(self.name)
        if not self.key:
            raise ValidationError({"name": "Enter a name with at least one letter."})


class RetiredCouncilCode(models.Model):
    """A GSS code the register marks terminated, and the council or councils that followed.

    One successor: the code resolves to it (Barnsley's E08000016 is now E08000038). More than
    one: the area was split, and a file using the code is refused naming the successors.
    """

    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=150)
    dfe_number = models.CharField("DfE LA number", max_length=3, blank=True)
    terminated_on = models.DateField(null=True, blank=True)
    successors = models.ManyToManyField(Council, related_name="retired_codes", blank=True)
    reorganisation = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["gss_code"]

    def __str__(self):
        return f"{self.gss_code} {self.name} (retired)"


class JointService(models.Model):
    """A service run jointly by several councils (e.g. a youth justice service), kept as data.

    A file that names it records the event once for each member council, with the joint
    service's name on each event. ``families`` limits where the name means all members (e.g.
    ``["hmip"]``: "West Mercia" is a youth justice service); empty means every inspection type.
    """

    name = models.CharField(max_length=200, unique=True)
    other_names = models.TextField(blank=True, help_text="Other names, one a line")
    members = models.ManyToManyField(Council, related_name="joint_services")
    families = models.JSONField(
        "families it applies to",
        default=list,
        blank=True,
        help_text='Family codes, e.g. ["hmip"]; empty means every family',
    )
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def names(self) -> list[str]:
        return [self.name, *(n.strip() for n in self.other_names.splitlines() if n.strip())]

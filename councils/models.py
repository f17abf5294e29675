from django.conf import settings
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

"""Small builders for test data: plain functions, explicit arguments, real database rows."""

import functools
import importlib
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from councils.models import Council, CouncilMembership, LgaOfficer, Region
from inspections import services
from inspections.models import CostRate, InspectionEvent, InspectionType, StaffTime

PASSWORD = "a-test-password-123"


def _password_hash() -> str:
    """PASSWORD hashed by the first of the current PASSWORD_HASHERS, once per list of hashers.

    Users are stored with this hash rather than hashed anew each (PBKDF2 takes about 0.3 s a
    hash, and the suite creates thousands of users); signing in with PASSWORD still checks a real
    hash. Keyed by the hashers because tests that sign in often switch to MD5 (`settings`
    fixture), which cannot check a PBKDF2 hash, nor the project's hashers an MD5 one.
    """
    return _password_hash_by(tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _password_hash_by(hashers: tuple[str, ...]) -> str:
    return make_password(PASSWORD)


def ensure_reference_data():
    """The inspection types, outcomes and cluster rules that migration 0002 seeds.

    A transactional test (the browser tests' live server needs real commits) ends with a flush
    of every table, migrated reference data included; Django's serialized rollback should put it
    back, but only while the connection that serialized it lives. This puts it back regardless.
    """
    from django.apps import apps

    from inspections.models import ForecastCycle

    if not InspectionType.objects.exists():
        importlib.import_module("inspections.migrations.0002_reference_data").seed(apps, None)
        importlib.import_module(
            "inspections.migrations.0010_estimated_dates_and_joint_services"
        ).seed(apps, None)
    if not ForecastCycle.objects.exists():
        importlib.import_module("inspections.migrations.0006_forecast_cycles").seed(apps, None)
    if not CostRate.objects.exists():
        importlib.import_module("inspections.migrations.0008_cost_rate_defaults").seed(apps, None)


def make_region(name="North West", code="E12000002"):
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "slug": name.lower().replace(" ", "-")}
    )
    return region


def make_council(name, *, region=None, gss=None, dfe=None, urn=None, population=100_000):
    region = region or make_region()
    n = Council.objects.count() + 1
    return Council.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        gss_code=gss or f"E0600{n:04d}",
        dfe_number=dfe or f"{800 + n}",
        ofsted_urn=urn,
        population_0_25=population,
        region=region,
        kind=Council.Kind.UNITARY,
    )


def make_user(username, *, council=None, role=None, lga=False, admin=False):
    user = get_user_model().objects.create(
        username=username,
        email=f"{username}@example.org",
        password=_password_hash(),
        is_staff=admin,
        is_superuser=admin,
    )
    if council is not None:
        CouncilMembership.objects.create(user=user, council=council, role=role)
    if lga:
        LgaOfficer.objects.create(user=user)
    return user


def inspection_type(code):
    return InspectionType.objects.get(code=code)


def make_event(council, code="ilacs_focused_visit", start=date(2025, 3, 3), days=None, **extra):
    itype = inspection_type(code)
    days = days if days is not None else (itype.typical_on_site_days or 1)
    event = InspectionEvent(
        council=council,
        inspection_type=itype,
        on_site_start=start,
        on_site_end=extra.pop("end", start + timedelta(days=max(days - 1, 0))),
        **extra,
    )
    return services.event_save(event=event)


def make_hours(event, hours, team="data", phase="preparation", people=1):
    return StaffTime.objects.create(
        event=event, team=team, phase=phase, hours=Decimal(str(hours)), people=people
    )

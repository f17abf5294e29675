"""The stored forecast: observed gaps from a small published file, recomputation after changes,
clashes kept by identity, alerts once as their own kind, and the backtest on a known answer."""

import csv
import json
import statistics
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from inspections.forecast.services import forecast_inputs, forecast_recompute
from inspections.models import (
    ForecastClash,
    ForecastCycle,
    ForecastWindow,
    InspectionEvent,
    InspectionOutcome,
    Notice,
    Source,
)
from inspections.services.published import published_history_load
from tests.factories import inspection_type, make_council, make_event

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "forecast_ilacs_fixture.csv"
AS_OF = date(2026, 11, 30)
GRADES = {"requires improvement": "requires_improvement"}


@pytest.fixture
def fixture_councils(north_west):
    return [
        make_council(name, region=north_west, urn=f"90000{n}")
        for n, name in enumerate(["One", "Two", "Three", "Four", "Five", "Six"], start=1)
    ]


def expected_gaps_from_the_file() -> dict[str, list[int]]:
    """Worked out here from the CSV, independently of the app: days between one council's
    consecutive full inspections, by the earlier one's overall grade."""
    by_urn: dict[str, list[tuple[date, str]]] = {}
    with open(FIXTURE, newline="") as handle:
        for row in csv.DictReader(handle):
            start = datetime.strptime(row["inspection_start_date"], "%d/%m/%Y").date()
            grade = row["overall_effectiveness_grade"]
            by_urn.setdefault(row["urn"], []).append((start, GRADES.get(grade, grade)))
    gaps: dict[str, list[int]] = {}
    for inspections in by_urn.values():
        inspections.sort()
        for (first, grade), (second, _) in pairwise(inspections):
            gaps.setdefault(grade, []).append((second - first).days)
    return gaps


def test_observed_gaps_match_the_published_file(fixture_councils):
    published_history_load(kind="ilacs", path=FIXTURE)
    observed = forecast_inputs(as_of=AS_OF).observed
    expected = expected_gaps_from_the_file()
    assert set(expected) == {"good", "requires_improvement", "inadequate", "outstanding"}
    for grade, days in expected.items():
        found = observed[("ilacs_full", grade)]
        assert sorted(found.completed) == sorted(days)
        assert found.median_completed == statistics.median(days)
    pooled = observed[("ilacs_full", "*")]
    assert pooled.count == sum(len(days) for days in expected.values())
    # Each council's latest inspection is still waiting for its next one.
    assert len(pooled.waiting) == 6


def test_loading_published_history_recomputes_every_council_quietly(
    fixture_councils, lga_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published_history_load(kind="ilacs", path=FIXTURE)
    assert ForecastWindow.objects.filter(regime="ilacs_full").count() == 6
    one = ForecastWindow.objects.get(council=fixture_councils[0], regime="ilacs_full")
    assert "judged outstanding" in one.reason
    assert Notice.objects.filter(forecast_clash__isnull=False).count() == 0


def test_logging_an_event_recomputes_that_councils_forecast(
    council_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_event(
            council_a, "ilacs_short", date(2025, 3, 3), outcome=_outcome("ilacs_short", "good")
        )
    window = ForecastWindow.objects.get(council=council_a, regime="ilacs_full")
    assert window.status == "forecast" and window.likely == date(2028, 3, 3)
    assert "3 March 2025" in window.reason


def _outcome(type_code, code):
    return InspectionOutcome.objects.get(inspection_type__code=type_code, code=code)


def _send_and_ilacs_due_together(council):
    """An area SEND inspection due by mid-March 2027 and an ILACS logged for February 2027."""
    make_event(
        council,
        "area_send_full",
        date(2024, 3, 11),
        outcome=_outcome("area_send_full", "inconsistent"),
    )
    make_event(council, "ilacs_standard", date(2027, 2, 1), days=10)


def test_a_likely_clash_alerts_editors_and_lga_officers_once_as_a_forecast(
    council_a, editor_a, viewer_a, editor_b, lga_officer, django_capture_on_commit_callbacks
):
    _send_and_ilacs_due_together(council_a)
    with django_capture_on_commit_callbacks(execute=True):
        result = forecast_recompute(council_ids=[council_a.pk], as_of=AS_OF)
    clash = ForecastClash.objects.get(council=council_a, rule__name="Back-to-back")
    assert clash.member_key == "area_send_full+ilacs_full"
    assert clash.likelihood_24 >= 0.5
    assert result.alerted >= 1
    notices = Notice.objects.filter(forecast_clash=clash)
    assert {n.user for n in notices} == {editor_a, lga_officer}
    assert all(n.message.startswith("Forecast, not happened") for n in notices)
    assert all(n.cluster_id is None for n in notices)
    assert len([m for m in mail.outbox if "Forecast clash" in m.subject]) >= 2
    # Recomputed again (the nightly run): the same row, no second alert.
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        forecast_recompute(council_ids=[council_a.pk], as_of=AS_OF)
    again = ForecastClash.objects.get(council=council_a, rule__name="Back-to-back")
    assert again.pk == clash.pk and again.alerted_at == clash.alerted_at
    assert len(mail.outbox) == sent
    assert Notice.objects.filter(forecast_clash=clash).count() == 2


def test_a_clash_no_longer_forecast_is_removed(council_a):
    _send_and_ilacs_due_together(council_a)
    forecast_recompute(council_ids=[council_a.pk], as_of=AS_OF, alert=False)
    assert ForecastClash.objects.filter(council=council_a).exists()
    InspectionEvent.objects.filter(
        council=council_a, inspection_type__code="ilacs_standard"
    ).delete()
    forecast_recompute(council_ids=[council_a.pk], as_of=AS_OF, alert=False)
    assert not ForecastClash.objects.filter(
        council=council_a, member_key__contains="ilacs_full"
    ).exists()


def test_an_administrators_change_to_a_stated_cycle_changes_the_forecast(council_a):
    make_event(council_a, "ilacs_short", date(2025, 3, 3), outcome=_outcome("ilacs_short", "good"))
    ForecastCycle.objects.filter(regime="ilacs_full", after_outcome="").update(
        earliest_months=42, likely_months=48, latest_months=54
    )
    forecast_recompute(council_ids=[council_a.pk], as_of=AS_OF)
    window = ForecastWindow.objects.get(council=council_a, regime="ilacs_full")
    assert window.likely == date(2029, 3, 3)


# --- The backtest -----------------------------------------------------------------------------


def _published(council, start, grade, code="ilacs_standard"):
    itype = inspection_type(code)
    InspectionEvent.objects.create(
        council=council,
        inspection_type=itype,
        on_site_start=start,
        on_site_end=start + timedelta(days=11),
        outcome=itype.outcomes.get(code=grade) if grade else None,
        published_on=start + timedelta(days=60),
        source=Source.PUBLISHED,
        report_url=f"https://example.org/{council.pk}/{start}",
    )


def test_the_backtest_on_a_history_with_a_known_answer(north_west, tmp_path):
    """Every council is re-inspected exactly 1,463 days after a good inspection; the stated
    cycle says 36 months (30 to 42). Forecast on 1 January 2023:

    - Test council, last on 7 Jan 2019: observed says 9 Jan 2023, stated 7 Jan 2022 (window
      7 Jul 2021 to 7 Jul 2022). Halfway is 9 Jul 2022, over both windows to 9 Jan 2023, cut to
      start on 2 Jan 2023: most likely 2 Jan 2023. Actual 9 Jan 2023: inside, 7 days off.
    - Five training councils, last on 10 Jan 2022: observed 12 Jan 2026, stated 10 Jan 2025
      (10 Jul 2024 to 10 Jul 2025); halfway 12 Jul 2025 (183 of the 367 days), window to
      12 Jan 2026. Actual 12 Jan 2026: inside, 184 days off.
    - Naive: 36 months after, 367 days early each time, outside its window.
    """
    gap = timedelta(days=1463)
    test_council = make_council("Test", region=north_west)
    _published(test_council, date(2019, 1, 7), "good")
    _published(test_council, date(2019, 1, 7) + gap, "good")
    for n in range(5):
        council = make_council(f"Training {n}", region=north_west)
        first = date(2014, 1, 6)
        for k in range(3):
            _published(council, first + k * gap, "good")
        _published(council, first + 3 * gap, "good")  # 2026-01-12: after the as-of date
    output = tmp_path / "backtest.json"
    call_command("forecast_backtest", "--as-of", "2023-01-01", "--output", str(output))
    result = json.loads(output.read_text())["results"][0]
    ilacs = result["regimes"]["ilacs_full"]
    assert ilacs["next_happened"] == 6
    model, naive = ilacs["forecast_score"], ilacs["naive"]
    assert (model["scored"], model["known_misses"], model["share_inside_window"]) == (6, 0, 1.0)
    assert model["median_error_days"] == 184
    assert model["mean_error_days"] == round((7 + 5 * 184) / 6, 1)
    assert naive["share_inside_window"] == 0.0
    assert naive["median_error_days"] == 367


def test_the_backtest_refuses_a_date_it_cannot_read_or_no_history(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("forecast_backtest", "--as-of", "2023-13-01", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="No published inspections"):
        call_command("forecast_backtest", "--as-of", "2023-01-01", "--output", str(tmp_path / "x"))


def test_the_readme_table_is_regenerated_from_the_json(tmp_path, monkeypatch):
    from inspections.management.commands import forecast_backtest as command

    readme = tmp_path / "README.md"
    readme.write_text(f"Intro\n{command.START}\nold\n{command.END}\nAfter\n")
    monkeypatch.setattr(command, "README", readme)
    document = {
        "generated_at": "2026-11-30T00:00:00",
        "results": [
            {
                "as_of": "2023-01-01",
                "regimes": {
                    "ilacs_full": {
                        "still_waiting": 3,
                        "forecast_score": {
                            "scored": 10,
                            "share_inside_window": 0.4,
                            "median_error_days": 196,
                            "median_window_days": 500,
                        },
                        "naive": {
                            "scored": 10,
                            "share_inside_window": 0.3,
                            "median_error_days": 381,
                            "median_window_days": 365,
                        },
                    }
                },
            }
        ],
    }
    source = tmp_path / "results.json"
    source.write_text(json.dumps(document))
    call_command("forecast_backtest", "--readme-only", "--output", str(source))
    text = readme.read_text()
    assert "| 2023-01-01 | 10 | 3 | 40% | 30% | 196 | 381 | 500 | 365 |" in text
    assert "does not beat" not in text and "On every as-of date" in text
    assert text.startswith("Intro\n") and text.endswith("After\n") and "old" not in text


def test_the_forecast_is_recomputed_nightly_and_after_an_administrator_edits_a_cycle(
    client_for, administrator
):
    from django.conf import settings
    from django.urls import reverse

    from inspections.forecast import FORECAST_ALL_TASK
    from inspections.models import OutboxEntry

    nightly = settings.CELERY_BEAT_SCHEDULE["nightly-forecast"]
    assert nightly["task"] == FORECAST_ALL_TASK
    cycle = ForecastCycle.objects.get(regime="hmip_youth_justice", after_outcome="")
    response = client_for(administrator).post(
        reverse("admin:inspections_forecastcycle_change", args=[cycle.pk]),
        {
            "regime": cycle.regime,
            "after_outcome": "",
            "earliest_months": "",
            "likely_months": "60",
            "latest_months": "",
            "wording": "every youth justice service inspected over about 5 years",
            "source": cycle.source,
            "source_url": "",
        },
    )
    assert response.status_code == 302
    assert ForecastCycle.objects.get(pk=cycle.pk).likely_months == 60
    assert OutboxEntry.objects.filter(task=FORECAST_ALL_TASK).exists()

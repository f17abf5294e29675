import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from inspections.forecast.backtest import SCORED_REGIMES, backtest, readme_table
from inspections.forecast.services import created_dates, histories_of, stated_cycles
from inspections.models import InspectionEvent, Source

DEFAULT_AS_OF = ["2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01", "2025-01-01"]
DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "benchmarks" / "results" / "forecast_backtest.json"
README = Path(settings.BASE_DIR) / "README.md"
START, END = "<!-- forecast-backtest:start -->", "<!-- forecast-backtest:end -->"


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of {value!r} is not a date (expected YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Backtest the forecast on the published history: forecast from the history before each "
        "--as-of date, score on what happened after it (share inside the window, median error "
        "in days) against the naive baseline (last inspection + the stated cycle). Writes JSON; "
        "--readme regenerates the README's table from it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", action="append", dest="as_of", help="YYYY-MM-DD; repeat for several"
        )
        parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="The JSON file")
        parser.add_argument(
            "--readme", action="store_true", help="Regenerate the README's table from the JSON"
        )
        parser.add_argument(
            "--readme-only",
            action="store_true",
            help="Regenerate the README's table from the existing JSON without running",
        )

    def handle(self, *args, as_of, output, readme, readme_only, **options):
        output = Path(output)
        if readme_only:
            self._readme(json.loads(output.read_text()))
            return
        dates = [_date(value) for value in (as_of or DEFAULT_AS_OF)]
        published = InspectionEvent.objects.filter(source=Source.PUBLISHED)
        data_end = published.aggregate(last=Max("on_site_start"))["last"]
        if data_end is None:
            raise CommandError(
                "No published inspections in the database: load them first "
                "(manage.py import_published ilacs)."
            )
        cycles, created = stated_cycles(), created_dates()
        results = []
        for day in sorted(dates):
            if day >= data_end:
                raise CommandError(
                    f"--as-of {day} is not before the end of the history ({data_end})"
                )
            result = backtest(
                histories_of(published, as_of=day),
                as_of=day,
                data_end=data_end,
                cycles=cycles,
                created=created,
            )
            results.append(result)
            for regime, figures in result["regimes"].items():
                model, naive = figures["forecast_score"], figures["naive"]
                if model["scored"]:
                    self.stdout.write(
                        f"{day} {regime}: {model['scored']} scored; inside the window "
                        f"{model['share_inside_window']:.0%} (naive "
                        f"{naive['share_inside_window']:.0%}); median error "
                        f"{model['median_error_days']} days (naive {naive['median_error_days']})"
                    )
        document = {
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "method": (
                "Forecast from the published events on site up to each as-of date (outcomes "
                "known only once published), scored on each council's next inspection after it "
                "that happened by data_end. Naive: previous inspection + the stated nominal "
                "cycle, window the stated earliest to latest."
            ),
            "scored_regimes": list(SCORED_REGIMES),
            "results": results,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(document, indent=2) + "\n")
        self.stdout.write(f"Results written to {output}")
        if readme:
            self._readme(document)

    def _readme(self, document: dict) -> None:
        text = README.read_text()
        if START not in text or END not in text:
            raise CommandError(f"README.md has no {START} … {END} section to regenerate")
        results = document["results"]
        lines = [START, ""]
        lines += readme_table(results)
        lines.append("")
        worse, ties = [], []
        for result in results:
            figures = result["regimes"].get("ilacs_full")
            if not figures or not figures["forecast_score"]["scored"]:
                continue
            model, naive = figures["forecast_score"], figures["naive"]
            pairs = [
                (naive["median_error_days"], model["median_error_days"]),  # lower is better
                (model["share_inside_window"], naive["share_inside_window"]),  # higher is better
            ]
            if all(a == b for a, b in pairs):
                ties.append(result["as_of"])
            elif any(a < b for a, b in pairs):
                worse.append(result["as_of"])
        others = sorted(
            {
                regime
                for r in results
                for regime, figures in r["regimes"].items()
                if regime != "ilacs_full" and not figures["forecast_score"]["scored"]
            }
        )
        if ties:
            lines.append(
                "The forecast ties with the naive baseline as of " + ", ".join(ties) + ": it "
                "fell back to the stated cycle, which is the baseline."
            )
        if worse:
            lines.append(
                "The forecast does not beat the naive baseline on both figures as of "
                + ", ".join(worse)
                + " (see below why); the JSON holds the counts behind each row."
            )
        if not ties and not worse:
            lines.append(
                "On every as-of date the forecast put more next inspections inside its window "
                "and missed by fewer days than the naive baseline."
            )
        if others:
            lines.append(
                "Not scored (no council's next inspection of these is in the published history, "
                "which lists only the latest of each): " + ", ".join(others) + "."
            )
        lines.append(
            f"Generated {document['generated_at'][:10]} by `manage.py forecast_backtest --readme` "
            "from `benchmarks/results/forecast_backtest.json`."
        )
        lines += ["", END]
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        README.write_text(before + "\n".join(lines) + after)
        self.stdout.write("README.md: backtest table regenerated")

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.services.published import (
    KINDS,
    PUBLISHED_FILES,
    SKIP_REASONS,
    published_history_load,
)

START = "<!-- published-sources:start -->"
END = "<!-- published-sources:end -->"
SOURCES = {
    "ilacs": "Ofsted ILACS and single inspection framework reports (data-to-insight scrape)",
    "send": "Ofsted/CQC area SEND inspections, latest per council (data-to-insight scrape)",
    "hmip": "HMI Probation youth justice inspections, latest per service (data-to-insight scrape)",
}


class Command(BaseCommand):
    help = (
        "Load every published source (idempotent, as `import_published`) and print a table of "
        "its rows: loaded, of which recorded for several councils (joint services, split), "
        "of which with estimated on-site dates, and refused (skipped). With --readme, write "
        "the table into that file between its published-sources markers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--readme", type=Path, help="README to update between the markers")

    def handle(self, *args, readme=None, **options):
        lines = [
            "| source | file | rows | loaded | of which split between councils (events) | "
            "of which dates estimated | refused |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        for kind in KINDS:
            summary = published_history_load(kind=kind)
            loaded = len(summary.loaded) + len(summary.updated) + len(summary.unchanged)
            refused = "; ".join(
                f"{len(rows)}: {SKIP_REASONS[reason].split(' (')[0]}"
                for reason, rows in summary.skipped_by_reason.items()
            )
            rows = loaded + len(summary.skipped)
            lines.append(
                f"| {SOURCES.get(kind, KINDS[kind])} | `{PUBLISHED_FILES[kind].name}` | {rows} | "
                f"{loaded} | {len(summary.split)} ({summary.split_events} events) | "
                f"{len(summary.estimated)} | "
                f"{len(summary.skipped)}{f' ({refused})' if refused else ''} |"
            )
        table = "\n".join(lines)
        self.stdout.write(table)
        if readme:
            text = readme.read_text(encoding="utf-8")
            if START not in text or END not in text:
                raise CommandError(f"{readme} has no {START} … {END} markers")
            block = f"{START}\n{table}\n{END}"
            text = re.sub(re.escape(START) + r".*?" + re.escape(END), block, text, flags=re.S)
            readme.write_text(text, encoding="utf-8")
            self.stdout.write(f"Written into {readme}.")

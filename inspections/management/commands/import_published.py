from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.services.published import (
    KINDS,
    PUBLISHED_FILES,
    PublishedFileError,
    published_history_load,
)


class Command(BaseCommand):
    help = (
        "Load the published inspection history into inspection events (idempotent): "
        "'ilacs' for every ILACS full inspection and the single inspection framework reports "
        "before them, 'send' for the latest area SEND inspections, 'hmip' for HMI Probation's "
        "youth justice inspections. "
        "Prints loaded / updated / unchanged / skipped counts and each skipped line with its "
        "reason. Without --file, the copy in inspections/data/ is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument(
            "--file",
            type=Path,
            help="A newer file in the same format or layout (CSV; UTF-8 or Windows-1252)",
        )

    def handle(self, *args, kind, file, **options):
        path = file or PUBLISHED_FILES[kind]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            summary = published_history_load(kind=kind, path=path)
        except PublishedFileError as exc:
            raise CommandError(f"Nothing loaded: {exc}") from exc
        for line in summary.report_lines():
            self.stdout.write(line)

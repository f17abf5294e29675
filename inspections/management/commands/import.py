from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from inspections.services import imports

KINDS = {"events": imports.EVENTS, "staff_time": imports.STAFF_TIME}


class Command(BaseCommand):
    help = (
        "Import inspection events or staff time from a CSV file, with the rules and rights of "
        "the upload pages: every row is checked first, then the whole file is saved in one "
        "transaction, or nothing is. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            required=True,
            help="Import as this user: an editor imports for their own council only, an "
            "administrator for any council",
        )

    def handle(self, *args, kind, file, user, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user is called {user!r}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = imports.import_run(
                kind=KINDS[kind], content=file.read_bytes(), file_name=file.name, user=account
            )
        except imports.ImportFileError as exc:
            raise CommandError("Nothing saved. " + " ".join(exc.messages)) from exc
        if not result.saved:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.error_count > len(result.errors):
                self.stderr.write(f"… and {result.error_count - len(result.errors):,} more.")
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
        if result.described:
            self.stdout.write(f"The file was {result.described}.")
        if result.backfill:
            self.stdout.write(
                "Every event ended before today: clusters among them are recorded, and nobody "
                "is e-mailed about them."
            )
        for warning in result.warnings:
            self.stdout.write(f"Note: {warning}")

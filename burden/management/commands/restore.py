from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from burden.backup import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database, replacing "
        "everything in it, all or nothing. Stop the web, worker and beat first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before replacing the database"
        )

    def handle(self, *args, file, yes=False, **options):
        if not yes:
            answer = input("This replaces everything in the database. Type yes to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            database_restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored from {file}")

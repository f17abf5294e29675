from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from burden.backup import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Write a complete backup of the database to a file (PostgreSQL: pg_dump's custom format; "
        "SQLite: a copy of the database). Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (default: backup-YYYYMMDD-HHMMSS.dump in the current folder)",
        )

    def handle(self, *args, output=None, **options):
        path = Path(output or f"backup-{datetime.now():%Y%m%d-%H%M%S}.dump")
        try:
            database_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size:,} bytes)")

from pathlib import Path

from django.core.management.base import BaseCommand

from councils.services import REGISTER_FILES, council_register_load


class Command(BaseCommand):
    help = "Load or update the register of 153 councils with children's services (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--las", type=Path, default=REGISTER_FILES["las"])
        parser.add_argument("--regions", type=Path, default=REGISTER_FILES["regions"])
        parser.add_argument("--lookup", type=Path, default=REGISTER_FILES["lookup"])

    def handle(self, *args, **options):
        summary = council_register_load(
            las_path=options["las"], regions_path=options["regions"], lookup_path=options["lookup"]
        )
        self.stdout.write(f"Council register: {summary}")

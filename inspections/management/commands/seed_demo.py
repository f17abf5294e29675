import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inspections.demo import SIZES, demo_seed, demo_users_create


class Command(BaseCommand):
    help = (
        "Replace the demo events and staff hours with a deterministic set, and create one demo "
        "user per role. Sizes: small (6 councils, 3 years), standard (all councils, 8 years), "
        "national (all councils, 15 years: ~40k events, ~2M staff-time rows, for benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="standard")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-users", action="store_true", help="Do not create demo users")
        parser.add_argument(
            "--allow-production", action="store_true", help="Run even when DEBUG is off"
        )

    def handle(self, *args, size, seed, no_users, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: demo data and demo users with a published password do not belong "
                "in production. Pass --allow-production to insist."
            )
        started = time.monotonic()
        summary = demo_seed(size=size, seed=seed)
        self.stdout.write(
            f"Demo data ({size}): {summary.events} events and {summary.staff_time} staff-time "
            f"entries for {summary.councils} councils in {time.monotonic() - started:.1f} s"
        )
        if not no_users:
            self.stdout.write("\nDemo sign-in details (demo only):")
            for role, username, password in demo_users_create():
                self.stdout.write(f"  {role:<40} username: {username:<24} password: {password}")

from django.core.management.base import BaseCommand

from inspections.services.clusters import clusters_sweep


class Command(BaseCommand):
    help = (
        "Re-check every council's clusters now, as the nightly sweep does. Use --silent after "
        "loading history in bulk (new clusters are recorded as alerted, nobody is told) and "
        "--refresh-hours after changing staff time outside the app."
    )

    def add_arguments(self, parser):
        parser.add_argument("--silent", action="store_true", help="Send no alerts")
        parser.add_argument(
            "--refresh-hours",
            action="store_true",
            help="Sum every cluster's staff hours again, not only new clusters'",
        )

    def handle(self, *args, silent, refresh_hours, **options):
        result = clusters_sweep(alert=not silent, refresh_hours=refresh_hours)
        self.stdout.write(
            f"{result.councils} councils checked: {result.created} clusters found, "
            f"{result.updated} updated, {result.deleted} gone, {result.alerted} alerted"
        )

from django.core.management import call_command
from django.core.management.base import BaseCommand

from inspections.forecast.services import forecast_all_changed
from inspections.models import InspectionEvent, Source
from inspections.services.clusters import clusters_sweep_record
from inspections.services.published import KINDS, published_history_load


class Command(BaseCommand):
    help = (
        "Get the database ready before the production processes start (idempotent, run on every "
        "start by `make serve-prod` and docker compose): migrate, load or update the council "
        "register, load Ofsted's published inspection history on a first start (no published "
        "event yet), and queue a cluster sweep and a forecast, so rule changes made while the "
        "service was down apply and /healthz has a recent sweep to report."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-published",
            action="store_true",
            help="Do not load the published history even on a first start",
        )

    def handle(self, *args, no_published=False, verbosity=1, **options):
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("load_councils", verbosity=verbosity)
        first_start = not InspectionEvent.objects.filter(source=Source.PUBLISHED).exists()
        if first_start and not no_published:
            for kind in sorted(KINDS):
                summary = published_history_load(kind=kind)
                # The first lines are the counts; the skipped lines follow in `import_published`.
                self.stdout.write("First start: " + " ".join(summary.report_lines()[:2]))
        # Recorded in the outbox: sent now, or by the first drain once the broker answers.
        clusters_sweep_record()
        self.stdout.write("Cluster sweep queued.")
        # Today's forecast, quietly: a first start would otherwise alert every likely clash.
        forecast_all_changed(alert=False)
        self.stdout.write("Forecast recomputation queued.")

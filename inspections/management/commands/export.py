import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from councils.access import UserAccess, access_for
from inspections import exports

FILTER_OPTIONS = ("council", "region", "family", "inspection_type", "date_from", "date_to")


class Command(BaseCommand):
    help = (
        "Write a CSV export, the same bytes as the download on the pages: events, staff_time, "
        "summary (per-council league table) or clusters. To standard output unless --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", choices=sorted(exports.EXPORTS))
        parser.add_argument("--output", "-o", help="File to write (default: standard output)")
        parser.add_argument("--council", help="Slug, GSS code or name")
        parser.add_argument("--region", help="Slug, ONS code or name")
        parser.add_argument("--family", help="Inspection family code, e.g. ilacs")
        parser.add_argument("--type", dest="inspection_type", help="Inspection type code")
        parser.add_argument("--date-from", help="On-site start on or after (YYYY-MM-DD)")
        parser.add_argument("--date-to", help="On-site start on or before (YYYY-MM-DD)")
        parser.add_argument(
            "--user",
            help="Export what this user may see (default: everything, as an administrator)",
        )

    def handle(self, *args, export, output, user, **options):
        form = exports.ExportFilterForm({key: options[key] or "" for key in FILTER_OPTIONS})
        if not form.is_valid():
            raise CommandError(form.error_text())
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user is called {user!r}.")
            access = access_for(account)
        else:
            access = UserAccess(is_authenticated=True, is_admin=True)
        chunks = exports.export_stream(export, access, form.filters())
        if output:
            with open(output, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            self.stderr.write(f"Written to {output}")
            return
        binary = getattr(self.stdout._out, "buffer", None)
        if binary is None:  # a text stream, as in call_command(stdout=StringIO())
            for chunk in chunks:
                self.stdout._out.write(chunk.decode("utf-8"))
            return
        for chunk in chunks:
            binary.write(chunk)
        binary.flush()
        sys.stdout.flush()

"""CSV downloads of what the pages show, with the same filters (``?council=…&date_from=…``)."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from councils.access import access_for

from .. import exports
from ..filters import filter_status, refuse_unknown_parameters


def csv_response(name: str, access, filters) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.export_stream(name, access, filters), content_type="text/csv; charset=utf-8"
    )
    filename = exports.export_filename(name, filters)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The figures change with every edit: never serve a stale copy from a cache.
    response["Cache-Control"] = "private, no-store"
    return response


# The rows are read while the response streams, after the view has returned: there is no
# request transaction to hold open for them.
@transaction.non_atomic_requests
@login_required
@require_GET
def export_csv(request, name: str):
    if name not in exports.EXPORTS:
        raise Http404("No such export")
    access = access_for(request.user)
    form = exports.ExportFilterForm(request.GET)
    refuse_unknown_parameters(form, request.GET)
    if not form.is_valid():
        # Nothing is downloaded: a page that says which filter is wrong (never every row of
        # England under a name that says so).
        return render(
            request,
            "inspections/export_error.html",
            {"form": form, "export_name": name},
            status=filter_status(form),
        )
    filters = form.filters()
    if (
        name == "staff_time"
        and filters.council is not None
        and not access.can_see_hours_of(filters.council.pk)
    ):
        # Another council's staff hours do not exist for this user, as on its pages.
        raise Http404("No such export")
    return csv_response(name, access, filters)

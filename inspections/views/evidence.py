"""The evidence pack: one printable page, and the ZIP of the CSVs and charts behind it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from councils.access import access_for

from ..evidence.bundle import pack_zip, zip_filename
from ..evidence.forms import ScopeForm
from ..evidence.pack import evidence_pack
from ..filters import filter_status, refuse_unknown_parameters


@login_required
@require_GET
def evidence_pack_page(request):
    form = ScopeForm(request.GET)
    refuse_unknown_parameters(form, request.GET)
    context = {"form": form}
    if form.is_valid():
        context["pack"] = evidence_pack(
            form.burden_filters(), form.export_filters(), access_for(request.user)
        )
        context["query"] = form.query()
    return render(request, "inspections/evidence/pack.html", context, status=filter_status(form))


@login_required
@require_GET
def evidence_pack_zip(request):
    form = ScopeForm(request.GET)
    refuse_unknown_parameters(form, request.GET)
    if not form.is_valid():
        return render(
            request, "inspections/evidence/pack.html", {"form": form}, status=filter_status(form)
        )
    access = access_for(request.user)
    pack = evidence_pack(form.burden_filters(), form.export_filters(), access)
    response = HttpResponse(pack_zip(pack, access), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{zip_filename(pack)}"'
    response["Cache-Control"] = "private, no-store"
    return response

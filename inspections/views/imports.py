"""Upload pages for council spreadsheets (CSV), and the page that follows an import."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from councils.access import access_for
from councils.models import Council

from ..models import ImportJob, InspectionType
from ..selectors import imports as import_selectors
from ..services import imports

KINDS = {"events": ImportJob.Kind.EVENTS, "staff-time": ImportJob.Kind.STAFF_TIME}
SLUGS = {kind: slug for slug, kind in KINDS.items()}
TEMPLATE_NAMES = {
    ImportJob.Kind.EVENTS: "inspection-events-template.csv",
    ImportJob.Kind.STAFF_TIME: "staff-time-template.csv",
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Saved from Excel as ‘CSV UTF-8 (Comma delimited)’",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file is empty."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file must be at most {limit // (1024 * 1024)} MB. Split it into smaller "
                "files, for example one per year, and import each."
            )
        return upload


def _kind_or_404(slug: str) -> str:
    if slug not in KINDS:
        raise Http404("No such import")
    return KINDS[slug]


def _access_to_import(request):
    access = access_for(request.user)
    if not imports.may_import(access):
        raise PermissionDenied("Only council editors and administrators may import.")
    return access


def _job_or_404(request, pk: int) -> ImportJob:
    return get_object_or_404(import_selectors.import_jobs_visible(request.user), pk=pk)


def _own_council(access) -> Council | None:
    return Council.objects.filter(pk=access.council_id).first() if access.council_id else None


@login_required
@require_GET
def import_start(request):
    access = _access_to_import(request)
    jobs = ImportJob.objects.defer("content").filter(created_by=request.user)[:10]
    return render(
        request,
        "inspections/imports/start.html",
        {"jobs": jobs, "council": _own_council(access), "access": access, "slugs": SLUGS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind_slug: str):
    kind = _kind_or_404(kind_slug)
    access = _access_to_import(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_job_create(
                kind=kind, file_name=upload.name, content=upload.read(), user=request.user
            )
        except imports.ImportFileError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            if not imports.runs_in_background(job):  # a background job is sent on commit
                imports.import_job_run(job_id=job.pk)
            return redirect("import-job", pk=job.pk)
    return render(
        request,
        "inspections/imports/upload.html",
        {
            "form": form,
            "kind": kind,
            "kind_slug": kind_slug,
            "kind_label": ImportJob.Kind(kind).label,
            "columns": imports.COLUMNS[kind],
            "council": _own_council(access),
            "access": access,
            "types": InspectionType.objects.prefetch_related("outcomes").order_by(
                "sort_order", "name"
            ),
            "max_megabytes": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "max_rows": settings.IMPORT_MAX_ROWS,
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
        },
    )


@login_required
@require_GET
def import_template(request, kind_slug: str):
    kind = _kind_or_404(kind_slug)
    response = HttpResponse(imports.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAMES[kind]}"'
    return response


@login_required
@require_GET
def import_job_detail(request, pk: int):
    job = _job_or_404(request, pk)
    result = job.result or {}
    return render(
        request,
        "inspections/imports/job.html",
        {
            "job": job,
            "progress": import_selectors.import_job_progress(job),
            "result": result,
            "errors": result.get("errors", []),
            "more_errors": max(result.get("error_count", 0) - len(result.get("errors", [])), 0),
            "kind_slug": SLUGS[job.kind],
        },
    )


@login_required
@require_GET
def import_job_progress(request, pk: int):
    job = _job_or_404(request, pk)
    response = JsonResponse(import_selectors.import_job_progress(job))
    response["Cache-Control"] = "no-store"
    return response

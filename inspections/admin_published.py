"""The admin page that loads the published inspection history (the same service as
``manage.py import_published``), with an optional newer file, and shows the summary."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from .services.published import HMIP, ILACS, SEND, PublishedFileError, published_history_load

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the ILACS file is about 150 KB


class PublishedLoadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which history",
        choices=[
            (ILACS, "ILACS inspections: every full inspection since 2017"),
            (SEND, "Area SEND inspections: the latest of each council (2023 framework)"),
            (HMIP, "Youth justice inspections (HMI Probation): the latest of each service"),
        ],
    )
    file = forms.FileField(
        label="A newer file (optional)",
        required=False,
        help_text="CSV in the same format or the inspectorate's newer layout (UTF-8 or Excel's "
        "Windows-1252). Leave empty to load the copy that comes with the app.",
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: is it the right file?")
        # Read (encoding, delimiter, headers) by the one CSV reader, in the service.
        return upload.name, upload.read()


def published_load_view(model_admin, request):
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    form = PublishedLoadForm(request.POST or None, request.FILES or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        file_name, content = upload if upload else ("", None)
        try:
            summary = published_history_load(
                kind=form.cleaned_data["kind"], content=content, file_name=file_name
            )
        except PublishedFileError as exc:
            form.add_error("file" if upload else None, f"Nothing loaded: {exc}")
        else:
            messages.success(request, f"{summary.file_name}: {summary}.")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Load published inspection history",
        "form": form,
        "summary": summary,
    }
    return TemplateResponse(
        request, "admin/inspections/inspectionevent/load_published.html", context
    )

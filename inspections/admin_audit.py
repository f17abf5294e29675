"""The admin page of deleted events, each with the staff time deleted with it, and "Restore"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .services import audit

DELETED_SHOWN = 200


def deleted_events_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    deleted = list(audit.events_deleted()[:DELETED_SHOWN])
    rows = [(record, audit.staff_time_deleted_with(record)) for record in deleted]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Deleted events",
        "rows": rows,
        "shown": DELETED_SHOWN,
    }
    return TemplateResponse(request, "admin/inspections/inspectionevent/deleted.html", context)


def restore_event_view(model_admin, request, history_id: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    try:
        event = audit.event_restore(history_id=history_id, user=request.user)
    except ValidationError as exc:
        messages.error(request, "Not restored: " + " ".join(exc.messages))
        return redirect("admin:inspections_inspectionevent_deleted")
    messages.success(request, f"Restored {event}, with its staff time.")
    return HttpResponseRedirect(event.get_absolute_url())

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from councils.access import access_for
from councils.models import Council

from .. import dashboard_cache, selectors, services
from ..cost.selectors import event_cost
from ..filters import EventFilter, filter_status, refuse_unknown_parameters
from ..forms import ENTRIES_PER_PAGE, EventForm, StaffTimeFormSet
from ..models import InspectionEvent
from ..selectors import burden
from ..selectors import clusters as cluster_selectors
from ..selectors.audit import event_history
from .dashboards import council_burden_context
from .forecast import council_forecast_context

# Said after every save: the re-check runs in the background, and runs even if the broker was
# down when the save was made (the outbox), so this is true whatever happened after the save.
RECHECK_SOON = "The council's clusters will be re-checked shortly."
# What a council's page reads from the address beside its events filters.
COUNCIL_PAGE_PARAMETERS = {"page", "timeline"}


def _save_or_show_errors(form, save) -> bool:
    """Run a service; its validation errors go back onto the form, never half-saved."""
    try:
        save()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    return True


def _filter_form_html(council, event_filter, request) -> str:
    """The events filter form: drawn once per query string and day while valid (a template per
    widget made it the costliest part of the page), with its errors for this request otherwise."""
    form = event_filter.form
    if not event_filter.is_valid():
        return form.render()
    params = sorted(i for i in request.GET.lists() if i[0] != "page")
    parts = (council.pk, params, timezone.localdate())
    return dashboard_cache.rendered("council-filters", parts, form.render)


@login_required
def council_detail(request, slug):
    """A council's page. Its costly parts (the filter form, the burden section, the events
    table, the clusters and the forecast) are drawn once and kept as HTML
    (:func:`inspections.dashboard_cache.rendered`), each keyed on all it depends on; what differs
    per user beyond the hours shown (the "Log an inspection event" button) is drawn each time."""
    access = access_for(request.user)
    council = get_object_or_404(Council.objects.select_related("region"), slug=slug)
    show_hours = access.can_see_hours_of(council.pk)
    event_filter = EventFilter(
        request.GET, queryset=selectors.events_visible(access).filter(council=council)
    )
    refuse_unknown_parameters(event_filter.form, request.GET, also=COUNCIL_PAGE_PARAMETERS)
    context = {
        "council": council,
        "filter": event_filter,
        "show_hours": show_hours,
        "can_edit": access.can_edit_council(council.pk),
        "filter_form_html": _filter_form_html(council, event_filter, request),
        "clusters_forecast_html": _clusters_forecast_html(council, access, show_hours),
    }
    if event_filter.is_valid():
        # Figures only for filters that can be used: never the unfiltered ones beside an error.
        context.update(
            show_figures=True,
            # Cached until the next write to this council: the totals read all its events.
            totals=burden.cached(
                "council-totals",
                (council.pk, sorted(i for i in request.GET.lists() if i[0] != "page"), show_hours),
                lambda: selectors.event_totals(event_filter.qs, show_hours=show_hours),
                generation=burden.council_generation(council.pk),
            ),
            events_html=_events_html(request, council, event_filter, access, show_hours),
            **council_burden_context(request, council, event_filter, access),
        )
    return render(
        request,
        "inspections/council_detail.html",
        context,
        status=filter_status(event_filter.form),
    )


def _events_html(request, council, event_filter, access, show_hours: bool) -> str:
    """The events table (a page of 50), its pagination and downloads, drawn once per council,
    query string (page included), hours shown or not and the council's generation (writes to
    other councils leave it: ``burden.council_generation``). Every user who sees
    the council's hours sees the same table (its own exact hours), so that is all of the user
    in the key."""

    def draw() -> str:
        events = event_filter.qs
        if show_hours:
            events = selectors.events_with_hours(events, access)
        events = events.order_by("-on_site_start", "-pk")
        return render_to_string(
            "inspections/council/_events.html",
            {
                "council": council,
                "show_hours": show_hours,
                "page_obj": Paginator(events, 50).get_page(request.GET.get("page")),
            },
            request=request,
        )

    parts = (council.pk, sorted(request.GET.lists()), show_hours)
    return dashboard_cache.rendered(
        "council-events",
        parts,
        draw,
        generation=burden.council_generation(council.pk),
        earlier_while_drawing=False,
    )


def _clusters_forecast_html(council, access, show_hours: bool) -> str:
    """The council's forecast and clusters, drawn once per council and hours shown or not, under
    the council's generation and the generations of every council's and this council's clusters
    and forecasts (the worker writes them after the write that caused them:
    ``services.clusters_or_forecast_changed``)."""

    def draw() -> str:
        return render_to_string(
            "inspections/council/_clusters_forecast.html",
            {
                "council": council,
                "council_clusters": cluster_selectors.clusters_of_council(access, council.pk),
                **council_forecast_context(council),
            },
        )

    parts = (council.pk, show_hours)
    generation = (*burden.council_generation(council.pk), *burden.derived_generation(council.pk))
    return dashboard_cache.rendered(
        "council-clusters-forecast", parts, draw, generation=generation, earlier_while_drawing=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, slug):
    access = access_for(request.user)
    council = get_object_or_404(Council, slug=slug)
    if not access.can_edit_council(council.pk):
        # Another council's pages do not exist for this user.
        raise Http404("No such page")
    event = InspectionEvent(council=council)
    form = EventForm(request.POST or None, instance=event, access=access)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_show_errors(
            form, lambda: services.event_save(event=form.instance, user=request.user)
        )
    ):
        messages.success(
            request,
            f"{form.instance.inspection_type.name} saved. Now log its staff time. {RECHECK_SOON}",
        )
        return redirect("staff-time-edit", pk=form.instance.pk)
    return render(request, "inspections/event_form.html", {"form": form, "council": council})


@login_required
def event_detail(request, pk):
    access = access_for(request.user)
    event = get_object_or_404(selectors.events_visible(access), pk=pk)
    show_hours = access.can_see_hours_of(event.council_id)
    return render(
        request,
        "inspections/event_detail.html",
        {
            "event": event,
            "council": event.council,
            "show_hours": show_hours,
            "hours": selectors.event_hours_table(event) if show_hours else None,
            "cost": event_cost(event, access),
            "entries": event.staff_time.all() if show_hours else None,
            "can_edit": access.can_edit_council(event.council_id),
            "event_clusters": cluster_selectors.clusters_of_event(access, event),
            "history": event_history(event, with_staff_time=show_hours),
            "joint_councils": selectors.joint_events_of(access, event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    access = access_for(request.user)
    event = selectors.event_for_edit_or_404(access, pk)
    form = EventForm(request.POST or None, instance=event, access=access)

    def save():
        try:
            services.event_save(
                event=form.instance,
                user=request.user,
                expected_version=form.cleaned_data.get("base_version"),
            )
        except services.EventChangedMeanwhile as conflict:
            form.start_again_from(conflict.current)
            raise

    if request.method == "POST" and form.is_valid() and _save_or_show_errors(form, save):
        messages.success(request, f"Event updated. {RECHECK_SOON}")
        return redirect(event)
    return render(
        request,
        "inspections/event_form.html",
        {"form": form, "council": event.council, "event": event},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_delete(request, pk):
    access = access_for(request.user)
    event = selectors.event_for_edit_or_404(access, pk)
    if event.is_published_record and not access.is_admin:
        # The published record stays; the council's notes and hours are kept on it.
        messages.error(request, "Only an administrator can delete a published inspection.")
        return redirect(event)
    if request.method == "POST":
        council = event.council
        version = request.POST.get("version", "")
        try:
            services.event_delete(
                event=event, expected_version=int(version) if version.isdigit() else None
            )
        except services.EventChangedMeanwhile as conflict:
            messages.error(
                request,
                f"The event was not deleted: it was changed{conflict.who} after you opened the "
                f"delete page. {conflict.what} Check it, then delete it again if you mean to.",
            )
            return redirect(event)
        messages.success(request, f"Event deleted, with its staff time. {RECHECK_SOON}")
        return redirect(council)
    return render(request, "inspections/event_confirm_delete.html", {"event": event})


@login_required
@require_http_methods(["GET", "POST"])
def staff_time_edit(request, pk):
    """One page of an event's staff time (ENTRIES_PER_PAGE entries and new rows), saved on its
    own, all or nothing; "Add another row" without JavaScript posts back for one more row."""
    access = access_for(request.user)
    event = selectors.event_for_edit_or_404(access, pk)
    page = selectors.staff_time_page(event, request.GET.get("page"), ENTRIES_PER_PAGE)
    data = request.POST if request.method == "POST" else None
    adding = data is not None and "add_row" in data
    if adding:
        data = StaffTimeFormSet.with_another_row(data)
    formset = StaffTimeFormSet(data, instance=event, page=page, entries_total=page.paginator.count)
    saving = data is not None and not adding
    if saving and formset.is_valid():
        entries = formset.save(commit=False)
        try:
            services.staff_time_save(
                event=event, entries=entries, deleted=formset.deleted_objects, user=request.user
            )
        except services.StaffTimeEntryInvalid as exc:
            formset.add_entry_errors(exc.entry, exc)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages, error_class="nonform")
        else:
            if not page.has_other_pages():
                messages.success(request, f"Staff time saved. {RECHECK_SOON}")
                return redirect(event)
            messages.success(
                request,
                f"Staff time saved (this page: entries {page.start_index()} to "
                f"{page.end_index()}). {RECHECK_SOON}",
            )
            return redirect(f"{request.path}?page={page.number}")
    return render(
        request,
        "inspections/staff_time_form.html",
        {
            "formset": formset,
            "event": event,
            "page_obj": page,
            "entries_total": page.paginator.count,
            "per_page": ENTRIES_PER_PAGE,
            "show_errors": saving,
            "errors": formset.error_summary() if saving else [],
        },
    )

from django.contrib import admin
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .admin_audit import deleted_events_view, restore_event_view
from .admin_cache import ReferenceDataAdmin
from .admin_published import published_load_view
from .cluster_forms import ClusterRuleForm
from .cost import services as cost_services
from .cost.models import CostRate, ReferenceFigure
from .models import (
    Cluster,
    ClusterRule,
    ImportJob,
    InspectionEvent,
    InspectionOutcome,
    InspectionType,
    Notice,
    StaffTime,
)
from .services import clusters as cluster_services


class InspectionOutcomeInline(admin.TabularInline):
    model = InspectionOutcome
    extra = 1


@admin.register(InspectionType)
class InspectionTypeAdmin(ReferenceDataAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "family",
        "inspectorates",
        "is_formal",
        "typical_notice_working_days",
        "typical_on_site_days",
        "typical_publication_lag_days",
        "is_active",
    ]
    list_filter = ["family", "is_formal", "is_active"]
    search_fields = ["name", "code", "inspectorates"]
    inlines = [InspectionOutcomeInline]


@admin.register(InspectionOutcome)
class InspectionOutcomeAdmin(ReferenceDataAdmin, admin.ModelAdmin):
    list_display = ["label", "code", "inspection_type", "sort_order"]
    list_filter = ["inspection_type__family", "inspection_type"]
    search_fields = ["label", "code"]


class StaffTimeInline(admin.TabularInline):
    model = StaffTime
    extra = 0
    fields = ["team", "phase", "hours", "people", "note", "is_demo"]


# SimpleHistoryAdmin: each object's "History" page lists who changed what and when.
@admin.register(InspectionEvent)
class InspectionEventAdmin(SimpleHistoryAdmin):
    list_display = [
        "council",
        "inspection_type",
        "on_site_start",
        "on_site_end",
        "on_site_days",
        "dates_estimated",
        "outcome",
        "source",
    ]
    list_filter = [
        "inspection_type__family",
        "inspection_type",
        "source",
        "dates_estimated",
        "council__region",
    ]
    search_fields = ["council__name", "council__gss_code", "theme", "notes"]
    date_hierarchy = "on_site_start"
    autocomplete_fields = ["council"]
    list_select_related = ["council", "inspection_type", "outcome"]
    readonly_fields = ["on_site_days", "created_by", "created_at", "updated_at", "source_loaded_at"]
    inlines = [StaffTimeInline]
    change_list_template = "admin/inspections/inspectionevent/change_list.html"

    def get_urls(self):
        load = path(
            "load-published/",
            self.admin_site.admin_view(lambda request: published_load_view(self, request)),
            name="inspections_inspectionevent_load_published",
        )
        deleted = path(
            "deleted/",
            self.admin_site.admin_view(lambda request: deleted_events_view(self, request)),
            name="inspections_inspectionevent_deleted",
        )
        restore = path(
            "deleted/<int:history_id>/restore/",
            self.admin_site.admin_view(
                lambda request, history_id: restore_event_view(self, request, history_id)
            ),
            name="inspections_inspectionevent_restore",
        )
        return [load, deleted, restore, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        services.event_save(event=obj, user=request.user)

    def delete_model(self, request, obj):
        services.event_delete(event=obj)

    def delete_queryset(self, request, queryset):
        services.events_delete(events=queryset)


@admin.register(StaffTime)
class StaffTimeAdmin(SimpleHistoryAdmin):
    list_display = ["event", "team", "phase", "hours", "people", "is_demo"]
    list_filter = ["team", "phase", "is_demo", "event__inspection_type__family"]
    search_fields = ["event__council__name", "note"]
    raw_id_fields = ["event"]
    list_select_related = ["event__council", "event__inspection_type"]

    # Hours changed here bypass the services: re-check the council so its clusters' totals follow
    # (both councils, when the entry is moved to another council's event).
    def save_model(self, request, obj, form, change):
        moved_from = form.initial.get("event") if change and "event" in form.changed_data else None
        super().save_model(request, obj, form, change)
        services.council_changed(obj.event.council_id)
        if moved_from is not None:
            previous = InspectionEvent.objects.filter(pk=moved_from).values("council_id").first()
            if previous and previous["council_id"] != obj.event.council_id:
                services.council_changed(previous["council_id"])

    def delete_model(self, request, obj):
        council_id = obj.event.council_id
        super().delete_model(request, obj)
        services.council_changed(council_id)

    def delete_queryset(self, request, queryset):
        council_ids = set(queryset.values_list("event__council_id", flat=True))
        super().delete_queryset(request, queryset)
        for council_id in council_ids:
            services.council_changed(council_id)


@admin.register(ClusterRule)
class ClusterRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "window_days",
        "min_events",
        "anchor",
        "formal_only",
        "counts_estimated_dates",
        "severity",
        "is_active",
    ]
    list_filter = ["severity", "is_active", "anchor"]
    search_fields = ["name", "description"]
    # The rules page's form: families and types as checkboxes, with what empty lists mean.
    form = ClusterRuleForm

    # Every council is re-checked once a rule change commits. save_related, not save_model:
    # the rule's inspection types are saved after the rule itself.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        cluster_services.cluster_rules_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        cluster_services.cluster_rules_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        cluster_services.cluster_rules_changed()


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["council", "rule", "first_date", "last_date", "event_count", "acknowledged_at"]
    list_filter = ["rule", "council__region"]
    search_fields = ["council__name", "acknowledgement_note"]
    raw_id_fields = ["events"]
    list_select_related = ["council", "rule"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "seen_at"]
    search_fields = ["user__username", "message"]
    raw_id_fields = ["user", "cluster"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "status", "processed_rows", "total_rows", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name"]
    exclude = ["content"]


from .forecast import admin as forecast_admin  # noqa: E402, F401  (registers the forecast's admin)

# --- Cost in pounds -----------------------------------------------------------------------------


@admin.register(CostRate)
class CostRateAdmin(admin.ModelAdmin):
    """National defaults (no council) and councils' own rates, each with its public source."""

    list_display = ["__str__", "team", "council", "applies_from", "hourly_rate", "source"]
    list_filter = ["team", ("council", admin.EmptyFieldListFilter)]
    search_fields = ["council__name", "source", "basis"]
    autocomplete_fields = ["council"]
    fieldsets = [
        (None, {"fields": ["council", "team", "applies_from", "hourly_rate"]}),
        (
            "Where the figure comes from (shown beside it in the README, pages and exports)",
            {"fields": ["basis", "source", "source_url", "source_note"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        cost_services.cost_rate_save(rate=obj)

    def delete_model(self, request, obj):
        cost_services.cost_rate_delete(rate=obj)

    def delete_queryset(self, request, queryset):
        for rate in queryset:
            cost_services.cost_rate_delete(rate=rate)


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(ReferenceDataAdmin, admin.ModelAdmin):
    list_display = ["label", "amount", "per", "family", "source_date", "is_active"]
    list_filter = ["family", "is_active"]

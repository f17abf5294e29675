from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from inspections import services as inspection_services
from inspections.admin_cache import ReferenceDataAdmin

from .models import (
    Council,
    CouncilAlias,
    CouncilMembership,
    JointService,
    LgaOfficer,
    Region,
    RetiredCouncilCode,
)


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


class CouncilAliasInline(admin.TabularInline):
    model = CouncilAlias
    extra = 1
    fields = ["name", "note"]


@admin.register(Council)
class CouncilAdmin(ReferenceDataAdmin, SimpleHistoryAdmin):
    list_display = ["name", "gss_code", "dfe_number", "ofsted_urn", "region", "kind", "is_active"]
    list_filter = ["region", "kind", "is_active"]
    search_fields = ["name", "gss_code", "dfe_number", "ofsted_urn", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["deactivate"]

    # A council with events is never deleted (its events would go with it; the database refuses
    # too: PROTECT): it is deactivated instead, and keeps its events and history.
    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.events.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        with_events = queryset.filter(events__isnull=False).distinct()
        if with_events.exists():
            names = ", ".join(with_events.values_list("name", flat=True)[:5])
            self.message_user(
                request,
                f"Nothing deleted: {names} ha{'s' if with_events.count() == 1 else 've'} events. "
                "Deactivate a council instead: its events and history stay.",
                messages.ERROR,
            )
            return
        super().delete_queryset(request, queryset)

    @admin.action(description="Deactivate the selected councils (their events stay)")
    def deactivate(self, request, queryset):
        for council in queryset.filter(is_active=True):
            council.is_active = False
            council.save(update_fields=["is_active"])  # one history row each
        inspection_services.dashboards_changed()
        self.message_user(request, "Deactivated. Their events and history are kept.")

    inlines = [CouncilAliasInline]


@admin.register(CouncilAlias)
class CouncilAliasAdmin(admin.ModelAdmin):
    """Other names files use for a council; the imports and filters read them at once."""

    list_display = ["name", "council", "note"]
    search_fields = ["name", "council__name", "note"]
    autocomplete_fields = ["council"]


@admin.register(RetiredCouncilCode)
class RetiredCouncilCodeAdmin(admin.ModelAdmin):
    list_display = ["gss_code", "name", "dfe_number", "terminated_on", "reorganisation"]
    search_fields = ["gss_code", "name"]
    filter_horizontal = ["successors"]


@admin.register(JointService)
class JointServiceAdmin(admin.ModelAdmin):
    """Services run jointly by several councils: an import records one event for each member."""

    list_display = ["name", "member_names", "families", "source"]
    search_fields = ["name", "other_names", "members__name"]
    filter_horizontal = ["members"]

    @admin.display(description="members")
    def member_names(self, obj):
        return ", ".join(c.name for c in obj.members.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")


@admin.register(CouncilMembership)
class CouncilMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "council", "role"]
    list_filter = ["role", "council__region"]
    search_fields = ["user__username", "user__email", "council__name"]
    autocomplete_fields = ["council"]
    raw_id_fields = ["user"]


@admin.register(LgaOfficer)
class LgaOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "job_title"]
    search_fields = ["user__username", "user__email", "job_title"]
    raw_id_fields = ["user"]

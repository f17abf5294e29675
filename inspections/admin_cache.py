"""Admin pages of the reference data every figure reads: a change makes every cached page stale.

Inspection types and outcomes (names, families, whether formal), councils and regions (names,
regions, active or not) and reference figures are read by every dashboard, council page and
export, and cached with them (``inspections.dashboard_cache``). A change made here goes through
no service, so the admin says it: once the change commits, ``services.dashboards_changed``
bumps the generation every page is keyed on (the council pages' "wide" one included).
"""

from . import services


class ReferenceDataAdmin:
    """A ModelAdmin mixin: saving or deleting here makes every cached figure stale."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.dashboards_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.dashboards_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.dashboards_changed()

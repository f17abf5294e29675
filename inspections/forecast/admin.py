"""Admin for the stated cycles (facts administrators keep up to date) and the stored forecast."""

from django.contrib import admin

from .models import ForecastClash, ForecastCycle, ForecastWindow
from .services import forecast_all_changed


@admin.register(ForecastCycle)
class ForecastCycleAdmin(admin.ModelAdmin):
    list_display = (
        "regime",
        "after_outcome",
        "earliest_months",
        "likely_months",
        "latest_months",
        "no_cycle",
        "wording",
        "source",
    )
    list_filter = ("regime",)
    search_fields = ("wording", "source")

    # A changed fact changes every council's forecast: recompute once the change commits.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forecast_all_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forecast_all_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forecast_all_changed()


@admin.register(ForecastWindow)
class ForecastWindowAdmin(admin.ModelAdmin):
    list_display = ("council", "regime", "status", "earliest", "likely", "latest", "basis")
    list_filter = ("regime", "status", "basis")
    search_fields = ("council__name",)

    def has_add_permission(self, request):
        return False  # computed by the forecast, never typed

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ForecastClash)
class ForecastClashAdmin(admin.ModelAdmin):
    list_display = ("council", "rule", "member_key", "likelihood_24", "likely_date", "alerted_at")
    list_filter = ("rule",)
    search_fields = ("council__name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

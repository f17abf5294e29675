from django.contrib import admin

from .models import Council, CouncilMembership, LgaOfficer, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "dfe_number", "ofsted_urn", "region", "kind", "is_active"]
    list_filter = ["region", "kind", "is_active"]
    search_fields = ["name", "gss_code", "dfe_number", "ofsted_urn"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CouncilMembership)
class CouncilMembershipAdmin(admin.ModelAdmin):
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

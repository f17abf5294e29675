from django.urls import path

from . import views
from .views import charts as chart_views
from .views import cluster_rules as rule_views
from .views import clusters as cluster_views
from .views import cost as cost_views
from .views import dashboards as dashboard_views
from .views import evidence as evidence_views
from .views import exports as export_views
from .views import forecast as forecast_views
from .views import imports as import_views
from .views import journey as journey_views

urlpatterns = [
    path("councils/<slug:slug>/", views.council_detail, name="council-detail"),
    path("councils/<slug:slug>/events/new/", views.event_create, name="event-create"),
    path("councils/<slug:slug>/cost-rates/", cost_views.council_rates, name="council-cost-rates"),
    path(
        "councils/<slug:slug>/cost-rates/<int:pk>/delete/",
        cost_views.council_rate_delete,
        name="council-cost-rate-delete",
    ),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("events/<int:pk>/delete/", views.event_delete, name="event-delete"),
    path("events/<int:pk>/staff-time/", views.staff_time_edit, name="staff-time-edit"),
    # Burden dashboards: England here; a region's at regions/<slug>/ (councils/urls.py)
    path("dashboards/", dashboard_views.national_dashboard, name="dashboard-national"),
    path("clusters/", cluster_views.cluster_list, name="cluster-list"),
    path("clusters/<int:pk>/", cluster_views.cluster_detail, name="cluster-detail"),
    # Cluster rules in plain words, with a preview before saving (administrators)
    path("clusters/rules/", rule_views.rule_list, name="cluster-rules"),
    path("clusters/rules/new/", rule_views.rule_edit, name="cluster-rule-create"),
    path("clusters/rules/<int:pk>/", rule_views.rule_edit, name="cluster-rule-edit"),
    path(
        "clusters/<int:pk>/acknowledge/",
        cluster_views.cluster_acknowledge,
        name="cluster-acknowledge",
    ),
    # Each dashboard chart as a file, with the page's filters in the query string
    path("charts/<slug:name>.svg", chart_views.chart_file, {"fmt": "svg"}, name="chart-svg"),
    path("charts/<slug:name>.png", chart_views.chart_file, {"fmt": "png"}, name="chart-png"),
    # CSV downloads of what the pages show (same filters as the page, in the query string)
    path("exports/events.csv", export_views.export_csv, {"name": "events"}, name="export-events"),
    path(
        "exports/staff-time.csv",
        export_views.export_csv,
        {"name": "staff_time"},
        name="export-staff-time",
    ),
    path(
        "exports/summary.csv", export_views.export_csv, {"name": "summary"}, name="export-summary"
    ),
    path(
        "exports/clusters.csv",
        export_views.export_csv,
        {"name": "clusters"},
        name="export-clusters",
    ),
    path(
        "exports/forecast-windows.csv",
        export_views.export_csv,
        {"name": "forecast_windows"},
        name="export-forecast-windows",
    ),
    path(
        "exports/forecast-clashes.csv",
        export_views.export_csv,
        {"name": "forecast_clashes"},
        name="export-forecast-clashes",
    ),
    # Forecasts of coming inspections and clashes
    path("forecast/", forecast_views.forecast_national, name="forecast-national"),
    path("forecast/regions/<slug:slug>/", forecast_views.forecast_region, name="forecast-region"),
    path(
        "exports/cost-rates.csv",
        export_views.export_csv,
        {"name": "cost_rates"},
        name="export-cost-rates",
    ),
    path(
        "exports/cost-by-year.csv",
        export_views.export_csv,
        {"name": "cost_by_year"},
        name="export-cost-by-year",
    ),
    path(
        "exports/inadequate-journeys.csv",
        export_views.export_csv,
        {"name": "inadequate_journeys"},
        name="export-inadequate-journeys",
    ),
    path(
        "exports/inadequate-journey-figures.csv",
        export_views.export_csv,
        {"name": "inadequate_journey_figures"},
        name="export-inadequate-journey-figures",
    ),
    path("inadequate-journey/", journey_views.inadequate_journey, name="inadequate-journey"),
    path("evidence-pack/", evidence_views.evidence_pack_page, name="evidence-pack"),
    path("evidence-pack/pack.zip", evidence_views.evidence_pack_zip, name="evidence-pack-zip"),
    # Imports from council spreadsheets
    path("imports/", import_views.import_start, name="import-start"),
    path("imports/jobs/<int:pk>/", import_views.import_job_detail, name="import-job"),
    path(
        "imports/jobs/<int:pk>/progress.json",
        import_views.import_job_progress,
        name="import-job-progress",
    ),
    path("imports/<slug:kind_slug>/", import_views.import_upload, name="import-upload"),
    path(
        "imports/<slug:kind_slug>/template.csv",
        import_views.import_template,
        name="import-template",
    ),
]

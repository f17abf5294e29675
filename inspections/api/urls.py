"""``/api/v1/`` and the API's description: ``/api/schema/`` (OpenAPI 3) and ``/api/docs/``."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False  # ?format=csv instead of .csv paths
router.include_root_view = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("councils", views.CouncilViewSet, basename="council")
router.register("inspection-types", views.InspectionTypeViewSet, basename="inspection-type")
router.register("events", views.EventViewSet, basename="event")
router.register("staff-time", views.StaffTimeViewSet, basename="staff-time")
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("forecast-clashes", views.ForecastClashViewSet, basename="forecast-clash")
router.register("import-jobs", views.ImportJobViewSet, basename="import-job")

v1 = [
    *router.urls,
    path("summaries/councils/", views.CouncilSummaryView.as_view(), name="summary-councils"),
    path("summaries/regions/", views.RegionSummaryView.as_view(), name="summary-regions"),
]

urlpatterns = [
    path("v1/", include((v1, "api"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script is a separate file here (no inline script, for the CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^", views.api_not_found, name="api-not-found"),
]

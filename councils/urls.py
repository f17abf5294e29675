from django.urls import path

from inspections.views import dashboards

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("councils/", views.council_list, name="council-list"),
    path("regions/<slug:slug>/", dashboards.region_dashboard, name="region-dashboard"),
    path("about/", views.about, name="about"),
]

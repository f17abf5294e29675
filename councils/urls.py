from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("councils/", views.council_list, name="council-list"),
    path("regions/<slug:slug>/", views.region_detail, name="region-dashboard"),
    path("about/", views.about, name="about"),
]

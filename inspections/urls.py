from django.urls import path

from . import views

urlpatterns = [
    path("councils/<slug:slug>/", views.council_detail, name="council-detail"),
    path("councils/<slug:slug>/events/new/", views.event_create, name="event-create"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("events/<int:pk>/delete/", views.event_delete, name="event-delete"),
    path("events/<int:pk>/staff-time/", views.staff_time_edit, name="staff-time-edit"),
]

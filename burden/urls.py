from django.contrib import admin
from django.urls import include, path

from inspections.api.account import api_token_page

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("cookies/", views.service_page, {"page": "cookies"}, name="cookies"),
    path("accessibility/", views.service_page, {"page": "accessibility"}, name="accessibility"),
    path("privacy/", views.service_page, {"page": "privacy"}, name="privacy"),
    path("contact/", views.service_page, {"page": "contact"}, name="contact"),
    path("admin/", admin.site.urls),
    path("accounts/api-token/", api_token_page, name="api-token"),
    # Before Django's own: the same pages, one limited in how often it sends a reset link,
    # the other also ending a sign-in lockout (burden/views.py).
    path("accounts/password_reset/", views.PasswordReset.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("inspections.api.urls")),
    path("", include("councils.urls")),
    path("", include("inspections.urls")),
]

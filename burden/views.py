"""Service-wide views that belong to no app: the health check and the pages every public
service publishes (cookies, accessibility statement, privacy notice, contact), open to visitors."""

import math

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report
from .password_reset import password_reset_wait_seconds


# Not inside a request transaction: with the database down, the report must still be sent.
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    """200 with every check when all pass, else 503 with the same report (JSON, no sign-in).

    It names no user data, only whether each part of the service answers.
    """
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


SERVICE_PAGES = {
    "cookies": "service/cookies.html",
    "accessibility": "service/accessibility.html",
    "privacy": "service/privacy.html",
    "contact": "service/contact.html",
}


@require_GET
def service_page(request, page: str):
    """One of the footer's pages (:data:`SERVICE_PAGES`); no sign-in needed."""
    return render(request, SERVICE_PAGES[page])


class PasswordReset(auth_views.PasswordResetView):
    """Django's form asking for a reset link, within the limits of
    :func:`burden.password_reset.password_reset_wait_seconds`. Past them the answer is 429 with
    a page saying so (and a Retry-After header, in seconds), the same for every address, and no
    e-mail is sent. Showing the form (GET) is never limited.

    The link in the e-mail starts with ``SITE_URL``, the service's address for links in e-mails
    (as in the cluster and forecast alerts), never with the request's ``Host`` header and
    scheme: ``ALLOWED_HOSTS`` does not check the port, so ``Host: localhost:9`` would otherwise
    send the account's reset token to whatever listens there."""

    @property
    def extra_email_context(self):
        # A property, not a class attribute: SITE_URL is read when the e-mail is written.
        return {"site_url": settings.SITE_URL.rstrip("/")}

    def post(self, request, *args, **kwargs):
        wait = password_reset_wait_seconds(request)
        if wait is None:
            return super().post(request, *args, **kwargs)
        response = render(
            request,
            "registration/password_reset_throttled.html",
            {"wait_minutes": math.ceil(wait / 60)},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's page for the new password from a reset e-mail. A password set here also ends
    the user's sign-in lockout (django-axes): the lockout page tells a locked-out person to
    reset their password, and without this the new password was refused for the rest of the
    cool-off (30 minutes)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=self.user.get_username())
        return response

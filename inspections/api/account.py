"""The account page where a user makes, sees and revokes their own API token.

One token per user (Django REST framework's ``authtoken``): making a new one revokes the old.
The key is shown in full only on the page that made it; afterwards only its first characters.
Administrators see and revoke every user's token in the admin (Auth Token › Tokens).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_create(*, user) -> Token:
    """A new token for the user; any previous one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user) -> bool:
    """Revoke the user's token. True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


@login_required
@require_http_methods(["GET", "POST"])
def api_token_page(request):
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if api_token_revoke(user=request.user):
                messages.success(request, "API token revoked. Programs using it are refused now.")
            return redirect("api-token")
        new_key = api_token_create(user=request.user).key
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "api/token.html",
        {"token": token, "new_key": new_key, "key_start": token.key[:6] if token else ""},
    )

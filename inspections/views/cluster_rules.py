"""Cluster rules in plain words, for administrators: the list, and one rule's form with a
preview of the clusters it would find before it is saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from councils.access import access_for

from ..cluster_forms import WHICH_EVENTS_COUNT, ClusterRuleForm
from ..models import ClusterRule
from ..selectors import clusters as selectors
from ..services import clusters as services


def _administrators_only(request) -> None:
    if not access_for(request.user).is_admin:
        raise PermissionDenied("Only administrators change the cluster rules.")


@login_required
def rule_list(request):
    _administrators_only(request)
    return render(
        request,
        "inspections/clusters/rule_list.html",
        {
            "rules": ClusterRule.objects.prefetch_related("inspection_types"),
            "which_events_count": WHICH_EVENTS_COUNT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int | None = None):
    _administrators_only(request)
    rule = get_object_or_404(ClusterRule, pk=pk) if pk is not None else ClusterRule()
    form = ClusterRuleForm(request.POST or None, instance=rule)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "save" in request.POST:
            try:
                services.cluster_rule_save(
                    rule=form.instance, inspection_types=form.cleaned_data["inspection_types"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    f"Rule ‘{form.instance.name}’ saved. Every council's clusters and forecasts "
                    "will be re-checked shortly.",
                )
                return redirect("cluster-rules")
        else:
            preview = selectors.rule_preview(form.spec(), rule=rule if rule.pk else None)
    return render(
        request,
        "inspections/clusters/rule_form.html",
        {"form": form, "rule": rule, "preview": preview},
    )

"""Cost in pounds on the pages: the dashboards' and council page's cost section, one event's
cost, and a council's own rates (kept by its editors, seen by its users)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from councils.access import UserAccess, access_for
from councils.models import Council

from ..cost import selectors as cost_selectors
from ..cost import services as cost_services
from ..cost.forms import CouncilRateForm
from ..cost.models import CostRate
from ..selectors.burden import BurdenFilters


def cost_context(filters: BurdenFilters, access: UserAccess, *, with_regions: bool) -> dict:
    """What the cost section of a dashboard or council page shows, for these filters."""
    context = {
        "totals": cost_selectors.cost_totals(filters, access),
        "by_year": cost_selectors.cost_by_year(filters, access),
        "by_team": cost_selectors.cost_by_team(filters, access),
        "references": cost_selectors.reference_figures(),
        "national_rates": [r for r in cost_selectors.rates_visible(access) if not r.council_id],
        "rule": cost_selectors.rule_in_words(filters, access),
    }
    if with_regions:
        context["regions"] = cost_selectors.regions_cost(filters, access)
    return context


def _council_for_rates(access: UserAccess, slug: str) -> Council:
    """The council if this user may see its rates (as its hours), else 404."""
    council = get_object_or_404(Council, slug=slug)
    if not access.can_see_hours_of(council.pk):
        raise Http404("No such page")
    return council


@login_required
@require_http_methods(["GET", "POST"])
def council_rates(request, slug):
    access = access_for(request.user)
    council = _council_for_rates(access, slug)
    can_edit = access.can_edit_council(council.pk)
    form = CouncilRateForm(request.POST or None, council=council)
    if request.method == "POST":
        if not can_edit:
            raise Http404("No such page")
        if form.is_valid():
            try:
                cost_services.cost_rate_save(rate=form.instance)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Rate saved. Every cost figure now uses it.")
                return redirect("council-cost-rates", slug=council.slug)
    rates = cost_selectors.rates_visible(access)
    return render(
        request,
        "inspections/cost/council_rates.html",
        {
            "council": council,
            "form": form,
            "can_edit": can_edit,
            "own_rate_objects": CostRate.objects.filter(council=council).order_by(
                "team", "applies_from"
            ),
            "national_rates": [r for r in rates if r.council_id is None],
        },
    )


@login_required
@require_POST
def council_rate_delete(request, slug, pk):
    access = access_for(request.user)
    council = _council_for_rates(access, slug)
    if not access.can_edit_council(council.pk):
        raise Http404("No such page")
    rate = get_object_or_404(CostRate, pk=pk, council=council)
    cost_services.cost_rate_delete(rate=rate)
    messages.success(request, "Rate deleted. Every cost figure now uses the rates that remain.")
    return redirect("council-cost-rates", slug=council.slug)

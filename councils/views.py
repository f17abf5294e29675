from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from councils.access import access_for

from . import selectors
from .models import Council, Region


@login_required
def home(request):
    """Council users start at their council; LGA officers and administrators at the regions."""
    access = access_for(request.user)
    if access.council_id and not access.sees_all_hours:
        return redirect(get_object_or_404(Council, pk=access.council_id))
    return redirect("council-list")


@login_required
def council_list(request):
    return render(
        request, "councils/council_list.html", {"regions": selectors.regions_with_councils()}
    )


@login_required
def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    councils = Council.objects.filter(region=region, is_active=True)
    return render(request, "councils/region_detail.html", {"region": region, "councils": councils})


def about(request):
    return render(request, "councils/about.html")

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from councils.access import access_for

from . import selectors
from .models import Council


@login_required
def home(request):
    """Council users start at their council; LGA officers and administrators at the dashboards."""
    access = access_for(request.user)
    if access.sees_all_hours:
        return redirect("dashboard-national")
    if access.council_id:
        return redirect(get_object_or_404(Council, pk=access.council_id))
    return redirect("council-list")


@login_required
def council_list(request):
    return render(
        request, "councils/council_list.html", {"regions": selectors.regions_with_councils()}
    )


def about(request):
    return render(request, "councils/about.html")

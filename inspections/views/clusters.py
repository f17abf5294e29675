"""Pages for clusters: the list with filters, one cluster, and its acknowledgement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from councils.access import access_for

from ..cluster_forms import AcknowledgeForm, ClusterFilter
from ..filters import filter_status, refuse_unknown_parameters
from ..selectors import clusters as selectors
from ..services import clusters as services

CLUSTERS_PER_PAGE = 50


@login_required
def cluster_list(request):
    access = access_for(request.user)
    cluster_filter = ClusterFilter(request.GET, queryset=selectors.clusters_list(access))
    refuse_unknown_parameters(cluster_filter.form, request.GET, also={"page"})
    context = {"filter": cluster_filter}
    if cluster_filter.is_valid():
        # The list only for filters that can be used: never every cluster beside an error.
        page = Paginator(cluster_filter.qs, CLUSTERS_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = selectors.clusters_with_members(page.object_list)
        context.update(show_figures=True, page_obj=page, clusters=page.object_list)
    return render(
        request,
        "inspections/clusters/cluster_list.html",
        context,
        status=filter_status(cluster_filter.form),
    )


@login_required
def cluster_detail(request, pk):
    access = access_for(request.user)
    cluster = selectors.cluster_detail_or_404(access, pk)
    can_acknowledge = selectors.cluster_can_acknowledge(access, cluster)
    return render(
        request,
        "inspections/clusters/cluster_detail.html",
        {
            "cluster": cluster,
            "can_acknowledge": can_acknowledge,
            "form": AcknowledgeForm(initial={"note": cluster.acknowledgement_note})
            if can_acknowledge
            else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cluster_acknowledge(request, pk):
    access = access_for(request.user)
    cluster = selectors.cluster_for_acknowledge_or_404(access, pk)
    # The note is optional, so a POST can be empty: bind the form to any POST.
    form = AcknowledgeForm(
        request.POST if request.method == "POST" else None,
        initial={"note": cluster.acknowledgement_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_acknowledge(
                cluster=cluster, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Cluster acknowledged.")
            return redirect(cluster)
    return render(
        request, "inspections/clusters/acknowledge.html", {"cluster": cluster, "form": form}
    )

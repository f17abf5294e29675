"""Links to the CSV downloads of a dashboard, with the figures' filters: ``{% load csv_exports %}``.

``{% export_url "summary" filters region=region sort=request.GET.sort %}`` gives the address of
the per-council summary of the dashboard's filters (its period, region, family and type), so the
file holds the figures the page shows, in the same order.
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from ..dashboard_filters import filters_query

register = template.Library()


@register.simple_tag
def export_url(name, filters=None, region=None, council=None, sort=None) -> str:
    params = {}
    if filters is not None:
        params.update(filters_query(filters, region_slug=region.slug if region else ""))
    elif region:
        params["region"] = region.slug
    if council:  # an unset template variable comes as ""
        params["council"] = council.slug
    if sort:
        params["sort"] = sort
    url = reverse(f"export-{name.replace('_', '-')}")
    return f"{url}?{urlencode(params)}" if params else url

from django.db.models import Q

from .models import Council, Region


def regions_with_councils() -> list[tuple[Region, list[Council]]]:
    councils = Council.objects.filter(is_active=True).select_related("region").order_by("name")
    grouped: dict[int, list[Council]] = {}
    for council in councils:
        grouped.setdefault(council.region_id, []).append(council)
    return [(region, grouped.get(region.pk, [])) for region in Region.objects.all()]


def council_find(text: str) -> Council | None:
    """The council a caller names by slug, GSS code, DfE LA number, Ofsted URN or name.

    Case and surrounding spaces do not matter. None when no council (or more than one) matches.
    """
    value = (text or "").strip()
    if not value:
        return None
    matches = list(
        Council.objects.filter(
            Q(slug__iexact=value)
            | Q(gss_code__iexact=value)
            | Q(dfe_number=value)
            | Q(ofsted_urn=value)
            | Q(name__iexact=value)
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None

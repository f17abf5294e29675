from .models import Council, Region


def regions_with_councils() -> list[tuple[Region, list[Council]]]:
    councils = Council.objects.filter(is_active=True).select_related("region").order_by("name")
    grouped: dict[int, list[Council]] = {}
    for council in councils:
        grouped.setdefault(council.region_id, []).append(council)
    return [(region, grouped.get(region.pk, [])) for region in Region.objects.all()]

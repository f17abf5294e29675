"""Writes of cost rates. Every cached figure is stale once a rate changes."""

from __future__ import annotations

from django.db import transaction

from ..services import dashboards_changed
from .models import CostRate


@transaction.atomic
def cost_rate_save(*, rate: CostRate) -> CostRate:
    """Validate and save a rate (national or a council's own).

    Raises ``ValidationError`` naming the field (a rate out of bounds, a national default
    without its source, a second rate for the same team and date).
    """
    rate.full_clean()
    rate.save()
    dashboards_changed()
    return rate


@transaction.atomic
def cost_rate_delete(*, rate: CostRate) -> None:
    rate.delete()
    dashboards_changed()

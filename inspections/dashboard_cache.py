"""The dashboards' figures drawn once and kept as HTML, and drawn again ahead of visitors.

A dashboard's figures (the regions side by side, the league table, the timeline, the hours
charts and their tables) cost 150-600 ms of CPU to draw at national scale even with every number
cached (profiled with pyinstrument: SVG charts and long tables, issue #14), far more than 50
people at once can be given. So the drawn HTML is cached, at the grain of what changes it: the
filters, the league table's sort, the timeline option, the region, the user's visibility class
(``burden.visibility_class``: users who may see the same hours share it) and the write
generation (bumped by ``inspections.services.dashboards_invalidate`` after every write).

Two rules keep a write from making every visitor draw the page again at once:

- **one drawer at a time**: the first visitor to miss takes a short lock and draws; the others,
  meanwhile, are shown the figures of the previous generation (at most :data:`STALE_SECONDS`
  old), so a write costs one drawing of each page, not one per visitor;
- **warmed after writes**: ``inspections.tasks.warm_dashboards`` draws the default views
  (England and each region, last three years, for LGA officers and for users who see no
  council's hours) in the worker as soon as a write commits, so those are never cold.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache

from .selectors.burden import cache_generation

# The figures of an earlier generation may be shown while another visitor draws the new ones.
STALE_SECONDS = 120
LOCK_SECONDS = 30
TIMEOUT = 60 * 60


def _key(name: str, parts: tuple) -> str:
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"{name}:{digest}"


def rendered(name: str, parts: tuple, draw: Callable[[], str]) -> str:
    """The HTML that ``draw()`` returns for these ``parts``, cached under the write generation.

    ``parts`` must hold everything the HTML depends on (filters, sort, visibility class...).
    """
    key = _key(name, parts)
    generation = cache_generation()
    fresh_key = f"rendered:{generation}:{key}"
    html = cache.get(fresh_key)
    if html is not None:
        return html
    if cache.add(f"rendered-lock:{generation}:{key}", 1, timeout=LOCK_SECONDS):
        html = draw()
        cache.set_many(
            {fresh_key: html, f"rendered-latest:{key}": (time.time(), html)}, timeout=TIMEOUT
        )
        return html
    # Someone else is drawing this generation's figures: show the last ones drawn, if recent.
    latest = cache.get(f"rendered-latest:{key}")
    if latest is not None and time.time() - latest[0] <= STALE_SECONDS:
        return latest[1]
    return draw()

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
- **drawn again at most once a refresh window** (England's and the regions' figures: a window
  lasts settings.DASHBOARD_REFRESH_SECONDS, a minute by default, :func:`window`): every
  dashboard drawn in a window uses the write generation taken when the window began, so its
  figures are computed once and shared by every visibility class and filter, however many
  writes come meanwhile, and the page says from when they are. Without it, at a consultation
  deadline with a save every second or two somewhere in England, every visitor of every
  visibility class drew England's figures again, and recomputed them (0.2-0.6 s of CPU, as much
  again in PostgreSQL): 50 people got 3 pages a second (benchmarks/load.py, issue #14). A
  council's own page and an event's page never lag: they show a save at once;
- **drawn again by a worker, each view at its own moment**: in a new window each view of
  England or a region falls due at its own moment of the window's first half (:func:`due_at`);
  once due a Celery worker draws it while visitors are shown its last drawing, which stands in
  only while its figures are from a window begun less than two windows ago
  (:class:`Staggered`), so a change shows within two windows and every class's drawing does not
  fall due, and make its visitors wait, in the window's first seconds;
- **warmed after writes**: ``inspections.tasks.warm_dashboards`` takes a new window and draws
  the default views (England and each region, last three years, for LGA officers and for users
  who see no council's hours) in the worker after the first write of a window (one warm-up a
  window, however many writes), so those are never cold.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .selectors.burden import cache_generation, current_generation, generation_text
from .services import COUNCIL_WRITTEN_AT_KEY

# The figures of an earlier generation may be shown while another visitor draws the new ones.
STALE_SECONDS = 120
LOCK_SECONDS = 30
TIMEOUT = 60 * 60
# Drawn pages are kept this long (seconds): a drawing outlives its refresh window only as the
# stand-in while the next is drawn (two windows at most), and each is up to 1.5 MB (England).
RENDERED_TIMEOUT = 15 * 60


def _key(name: str, parts: tuple) -> str:
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"{name}:{digest}"


def lag_seconds() -> int:
    """How long after a write England's and the regions' figures may still be those drawn
    before it, in seconds (settings.DASHBOARD_REFRESH_SECONDS; 0: drawn again at once)."""
    return max(0, int(getattr(settings, "DASHBOARD_REFRESH_SECONDS", 0)))


WINDOW_KEY = "dashboards:window"


def window(*, roll: bool = False) -> tuple[int, float]:
    """The refresh window England's and the regions' dashboards are drawn in: the write
    generation they use and when it was taken (epoch seconds). A window lasts
    :func:`lag_seconds`; the first visitor after it takes the current generation, so however
    many writes come meanwhile, each dashboard's figures are computed once a window (and shared
    by every visibility class and filter that reads them). ``roll``: take the current
    generation now (the warm-up, which then draws the default views)."""
    lag = lag_seconds()
    now = time.time()
    if lag > 0 and not roll:
        taken = cache.get(WINDOW_KEY)
        if taken is not None and now - taken[1] < lag:
            return taken
    taken = (current_generation(), now)
    if lag > 0:
        cache.set(WINDOW_KEY, taken, timeout=TIMEOUT)
    return taken


def window_for_council(council_id: int | None) -> tuple[int, float]:
    """The refresh window (:func:`window`: generation, taken at) a council's users read England's
    and the regions' figures at: the current one instead (now) when the council was written
    since the window began, so a council always sees its own saves (its page's burden section,
    the summary CSV). ``council_id`` None: the window."""
    generation, taken_at = window()
    if council_id is not None and council_written_since(council_id, taken_at):
        return current_generation(), time.time()
    return generation, taken_at


def generation_for(access) -> int:
    """The write generation a user (a ``councils.access.UserAccess``) reads England's and the
    regions' figures at: :func:`window_for_council` of their council."""
    return window_for_council(access.council_id)[0]


def council_written_since(council_id: int, moment: float) -> bool:
    """Whether the council's events or staff time were written after ``moment`` (epoch
    seconds), as far as the cache knows (no time known: not since the cache began, or while
    it was unreachable, when the outbox makes every figure stale later)."""
    written_at = cache.get(COUNCIL_WRITTEN_AT_KEY.format(council_id=council_id))
    return written_at is not None and written_at >= moment


def staggered_lag(lag: int) -> int:
    """How long after a write England's and the regions' dashboards, and the region median on
    a council's page, may show figures from before it, in seconds: two refresh windows (a
    drawing is made from its window's figures, then stands in for up to a window more:
    :class:`Staggered`, :func:`rendered`'s ``lag_seconds``; 0 without a window)."""
    return 2 * lag


def due_at(parts: tuple, taken_at: float, lag: int) -> float:
    """When the figures of ``parts`` fall due to be drawn again in the refresh window taken at
    ``taken_at`` (epoch seconds): up to half a window after it, the same share of a window for
    the same parts every time, so that the drawings of every visibility class and filter do not
    all fall due in the first seconds of a window (the load benchmark's slowest requests were
    all there, issue #14)."""
    share = int(_key("due", parts)[-8:], 16) / 0xFFFFFFFF
    return taken_at + share * (lag // 2)


@dataclass(frozen=True)
class Staggered:
    """How a view of England's or a region's figures is drawn again in a new refresh window.

    Until ``due`` (:func:`due_at`) its last drawing is shown. Once due, a worker draws it
    (``redraw_later`` queues that, and says False if it cannot: then the visitor draws), and
    the last drawing is shown meanwhile: a visitor waits for a drawing only when there is none
    recent enough. A drawing is shown in place of a new one only while the window its figures
    are from (``as_at``, stored with it) began less than ``hold_seconds`` ago: so a change shows
    within that long (:func:`staggered_lag`).
    """

    due: float
    as_at: float
    hold_seconds: float
    redraw_later: Callable[[], bool] | None = None


def _store(key: str, fresh_key: str, html: str, as_at: float | None) -> None:
    cache.set_many(
        {fresh_key: html, f"rendered-latest:{key}": (time.time(), html, as_at)},
        timeout=RENDERED_TIMEOUT,
    )


def redraw(name: str, parts: tuple, draw: Callable[[], str], *, generation, as_at: float) -> str:
    """Draw the HTML of ``parts`` for ``generation`` and keep it, whatever is cached (a worker,
    asked by :class:`Staggered`'s ``redraw_later``). Returns the HTML."""
    key = _key(name, parts)
    html = draw()
    _store(key, f"rendered:{generation_text(generation)}:{key}", html, as_at)
    return html


def queue_redraw(task: str, view: dict) -> bool:
    """Queue Celery task ``task`` with ``view`` for a worker; False without a worker (tasks run
    in the web process: the embedded default) or when the broker refuses (never raises)."""
    from burden.celery import app

    if app.conf.task_always_eager:
        return False
    try:
        app.send_task(task, args=[view])
    except Exception:  # a broker outage: the visitor draws the page itself
        return False
    return True


def rendered(
    name: str,
    parts: tuple,
    draw: Callable[[], str],
    *,
    lag_seconds: int = 0,
    generation=None,
    earlier_while_drawing: bool = True,
    staggered: Staggered | None = None,
) -> str:
    """The HTML that ``draw()`` returns for these ``parts``, cached under the write generation.

    ``parts`` must hold everything the HTML depends on (filters, sort, visibility class...).
    ``lag_seconds``: after a write, HTML drawn less than this many seconds ago is still shown
    (the HTML must then say when it was drawn). ``generation``:
    what to key on in place of the write generation (a council's own page keys its parts on
    ``selectors.burden.council_generation``, which writes to other councils leave; the
    dashboards on their window's). ``earlier_while_drawing``: while another visitor draws, show
    the last drawing (at most :data:`STALE_SECONDS` old) rather than draw too (False for a
    council's own page, which never shows a drawing from before a save to it). ``staggered``:
    England's and the regions' views, drawn again at their own moment and by a worker
    (:class:`Staggered`).
    """
    key = _key(name, parts)
    if generation is None:
        generation = cache_generation()
    generation = generation_text(generation)
    fresh_key = f"rendered:{generation}:{key}"
    html = cache.get(fresh_key)
    if html is not None:
        return html
    latest = None
    lock_key = f"rendered-lock:{generation}:{key}"
    as_at = staggered.as_at if staggered else None
    if lag_seconds > 0 or staggered is not None:
        latest = cache.get(f"rendered-latest:{key}")
        now = time.time()
        if latest is not None and now - latest[0] < lag_seconds:
            return latest[1]
        if latest is not None and staggered is not None:
            latest_as_at = latest[2] if len(latest) > 2 and latest[2] is not None else latest[0]
            if now - latest_as_at < staggered.hold_seconds:
                if now < staggered.due:
                    return latest[1]
                if staggered.redraw_later is not None:
                    # Due: one visitor asks a worker to draw it; everyone is shown the last
                    # drawing meanwhile, unless no worker can be asked.
                    if not cache.add(lock_key, 1, timeout=LOCK_SECONDS):
                        return latest[1]
                    if staggered.redraw_later():
                        return latest[1]
                    html = draw()
                    _store(key, fresh_key, html, as_at)
                    return html
    if cache.add(lock_key, 1, timeout=LOCK_SECONDS):
        html = draw()
        _store(key, fresh_key, html, as_at)
        return html
    if not earlier_while_drawing:
        return draw()
    # Someone else is drawing this generation's figures: show the last ones drawn, if recent.
    latest = latest or cache.get(f"rendered-latest:{key}")
    if latest is not None and time.time() - latest[0] <= STALE_SECONDS:
        return latest[1]
    return draw()

"""Forecasts: when each council's next inspections are due, and where two will collide.

- :mod:`.windows` (pure): the regimes forecast, the stated cycles, the gaps observed in the
  published history, and the window (earliest, most likely, latest start) with its reason;
- :mod:`.clashes` (pure): forecast clashes, two or more windows within a cluster rule's window,
  with their likelihood;
- :mod:`.backtest` (pure): scores forecasts made from the history before a date on what happened;
- :mod:`.services`: recomputes the stored windows and clashes (Celery, nightly, after changes);
- :mod:`.selectors`: reads for the pages, the exports and the council page;
- :mod:`.charts`: the regional 24-month timeline.
"""

# The recomputation tasks, by name: recorded in the outbox by the services that change events,
# published history, stated cycles and cluster rules (see inspections.outbox).
FORECAST_COUNCIL_TASK = "inspections.tasks.forecast_council_task"
FORECAST_ALL_TASK = "inspections.tasks.forecast_all_task"

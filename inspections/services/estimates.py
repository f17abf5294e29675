"""On-site dates estimated for events known only by their publication date.

Many published lists (HMI Probation's youth justice list, Ofsted's single inspection framework
reports) give only when a report was published. Such an event is still worth recording, so its
on-site dates are estimated: the start is the publication date less the inspection type's
typical lag (``InspectionType.typical_publication_lag_days``, editable in the admin with its
source), moved to the next working day; the end is the type's typical on-site working days
later. The event is stored with ``dates_estimated`` set, shown as estimated on every page,
export and cluster, and its dates are replaced when real ones arrive (an import or a published
load with on-site dates for the same inspection).
"""

from datetime import date, timedelta

from ..models import InspectionType
from ..workdays import add_working_days, is_working_day


class EstimateError(ValueError):
    """The type has no typical lag: its on-site dates cannot be estimated."""


class OnSiteDatesMissing(ValueError):
    """No usable on-site dates: ``field`` is the one to name (``on_site_start`` or
    ``on_site_end``), ``message`` what to tell the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def on_site_dates_settle(
    event, *, start, end, published_on, inspection_type, was=(None, None)
) -> tuple:
    """The on-site dates an edit gives (the event form and the API both ask here).

    Both empty: estimated from the publication date (:func:`estimated_on_site_dates`) and the
    event marked ``dates_estimated``; left empty while the type is not known yet. One empty:
    :class:`OnSiteDatesMissing` naming it. Dates different from ``was`` (the event's dates before
    the edit) on an estimated event are real: ``dates_estimated`` is cleared. Returns (start,
    end); raises :class:`OnSiteDatesMissing` with the message for the field.
    """
    if start is None and end is None:
        if published_on is None:
            raise OnSiteDatesMissing(
                "on_site_start",
                "Enter the on-site start, or the date the report was published if only that is "
                "known",
            )
        if inspection_type is None:
            return None, None
        try:
            start, end = estimated_on_site_dates(
                inspection_type=inspection_type, published_on=published_on
            )
        except EstimateError as exc:
            raise OnSiteDatesMissing("on_site_start", str(exc)) from None
        event.dates_estimated = True
        return start, end
    if start is None:
        raise OnSiteDatesMissing("on_site_start", "Enter the on-site start")
    if end is None:
        raise OnSiteDatesMissing("on_site_end", "Enter the on-site end")
    if event.dates_estimated and (start, end) != tuple(was):
        event.dates_estimated = False  # real dates replace the estimate
    return start, end


def estimated_on_site_dates(*, inspection_type: InspectionType, published_on: date) -> tuple:
    """(on-site start, on-site end) estimated from the publication date. Raises EstimateError.

    Start: ``published_on`` less the type's typical lag in calendar days, moved forward to a
    working day. End: the start plus the type's typical on-site working days (one day if the
    type has none recorded).
    """
    lag = inspection_type.typical_publication_lag_days
    if lag is None:
        raise EstimateError(
            f"{inspection_type.name} has no typical time from on-site start to publication, so "
            "its on-site dates cannot be estimated from the publication date. Give the on-site "
            "dates, or ask an administrator to set the type's typical lag."
        )
    start = published_on - timedelta(days=lag)
    while not is_working_day(start):
        start += timedelta(days=1)
    days = inspection_type.typical_on_site_days or 1
    end = add_working_days(start, days - 1) if days > 1 else start
    return start, end


def estimate_note(inspection_type: InspectionType) -> str:
    """How an estimate was made, for a row's note and the event page."""
    return (
        f"on-site dates estimated: publication date less {inspection_type.name}'s typical "
        f"{inspection_type.typical_publication_lag_days} days "
        f"({inspection_type.publication_lag_source or 'source not recorded'})"
    )

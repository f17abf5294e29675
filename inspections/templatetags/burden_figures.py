"""Numbers of the burden dashboards: ``{% load burden_figures %}``.

``{{ value|hours }}`` shows staff hours to one decimal with thousands separators, and "not shown"
where the selectors withheld them (None) from this user; ``{{ value|hours:"–" }}`` shows the
given text instead, for figures that are blank for another reason (no events).
``{{ value|figure }}`` shows a count or a median (``12``, ``2.5``, ``1,204``), "–" for None.
Both round once, through the one number formatter (``burden.number_format``).
"""

from django import template

from burden import number_format

register = template.Library()

NOT_SHOWN = number_format.NOT_SHOWN


@register.filter
def hours(value, blank: str = NOT_SHOWN) -> str:
    if value is None or value == "":
        return blank
    return number_format.page_decimal(value)


@register.filter
def figure(value, blank: str = "–") -> str:
    if value is None or value == "":
        return blank
    return number_format.page_number(value)


@register.filter
def pounds(value, blank: str = NOT_SHOWN) -> str:
    """Money on a page: whole pounds with separators ("£1,235"), or ``blank`` where None."""
    if value is None or value == "":
        return blank
    return "£" + number_format.page_decimal(value, 0)


@register.filter
def pence(value, blank: str = NOT_SHOWN) -> str:
    """Money to the penny ("£26.11"), for rates and small per-unit figures."""
    if value is None or value == "":
        return blank
    return "£" + number_format.page_decimal(value, 2)

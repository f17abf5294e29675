"""Numbers of the burden dashboards: ``{% load burden_figures %}``.

``{{ value|hours }}`` shows staff hours to one decimal with thousands separators, and "not shown"
where the selectors withheld them (None) from this user; ``{{ value|hours:"–" }}`` shows the
given text instead, for figures that are blank for another reason (no events).
"""

from django import template

register = template.Library()

NOT_SHOWN = "not shown"


@register.filter
def hours(value, blank: str = NOT_SHOWN) -> str:
    if value is None or value == "":
        return blank
    return f"{float(value):,.1f}"

"""The event form's outcome list without JavaScript: every type's outcomes grouped under the
type's name, each option carrying its type (for the script that offers only the chosen type's
outcomes), and the server still refusing an outcome of another type."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from inspections.models import InspectionEvent, InspectionOutcome, InspectionType
from tests.factories import inspection_type, make_event

pytestmark = pytest.mark.django_db


class _OutcomeOptions(HTMLParser):
    """(optgroup label, option label, data-inspection-type) of the outcome select."""

    def __init__(self):
        super().__init__()
        self.options: list[tuple[str | None, str, str | None]] = []
        self.follows = None
        self._in, self._group, self._attrs = False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "select" and a.get("name") == "outcome":
            self._in, self.follows = True, a.get("data-outcome-follows")
        elif self._in and tag == "optgroup":
            self._group = a["label"]
        elif self._in and tag == "option":
            self._attrs = a

    def handle_data(self, data):
        if self._attrs is not None:
            self.options.append(
                (self._group, data.strip(), self._attrs.get("data-inspection-type"))
            )
            self._attrs = None

    def handle_endtag(self, tag):
        if tag == "optgroup":
            self._group = None
        elif tag == "select":
            self._in = False


def _outcome_options(html):
    parser = _OutcomeOptions()
    parser.feed(html)
    return parser


def test_without_javascript_the_outcomes_are_grouped_under_their_type(
    client_for, editor_a, council_a
):
    response = client_for(editor_a).get(reverse("event-create", args=[council_a.slug]))
    parsed = _outcome_options(response.content.decode())
    assert parsed.follows == "id_inspection_type"
    assert parsed.options[0] == (None, "Not recorded yet", None)
    grouped = parsed.options[1:]
    assert len(grouped) == InspectionOutcome.objects.count()
    # Each outcome sits in the group of its own type, named as the type is named, and says so.
    for outcome in InspectionOutcome.objects.select_related("inspection_type"):
        entry = (outcome.inspection_type.name, outcome.label, str(outcome.inspection_type_id))
        assert entry in grouped, entry
    # "Good" appears once per type that has it, each time under a different type.
    goods = [group for group, label, _ in grouped if label == "Good"]
    assert len(goods) == len(set(goods)) > 1
    # The groups are the types' names, and every type with outcomes has one.
    names = {t.name for t in InspectionType.objects.filter(outcomes__isnull=False)}
    assert {group for group, _, _ in grouped} == names
    assert b"outcome-follows-type.js" in response.content


def test_the_server_refuses_an_outcome_of_another_type(client_for, editor_a, council_a):
    wrong = InspectionOutcome.objects.exclude(inspection_type__code="jtai").first()
    response = client_for(editor_a).post(
        reverse("event-create", args=[council_a.slug]),
        {
            "inspection_type": inspection_type("jtai").pk,
            "on_site_start_day": "3",
            "on_site_start_month": "3",
            "on_site_start_year": "2025",
            "on_site_end_day": "5",
            "on_site_end_month": "3",
            "on_site_end_year": "2025",
            "outcome": wrong.pk,
        },
    )
    assert response.status_code == 200
    assert f"‘{wrong.label}’ is not an outcome of" in response.content.decode()
    assert not InspectionEvent.objects.filter(council=council_a).exists()


def test_a_changed_event_keeps_its_outcome_selected_in_its_group(client_for, editor_a, council_a):
    itype = inspection_type("ilacs_standard")
    outcome = itype.outcomes.order_by("sort_order").last()
    event = make_event(council_a, "ilacs_standard", date(2025, 3, 3), outcome=outcome)
    html = client_for(editor_a).get(reverse("event-edit", args=[event.pk])).content.decode()
    assert (
        f'<option value="{outcome.pk}" data-inspection-type="{itype.pk}" selected>' in html
        or f'<option value="{outcome.pk}" selected data-inspection-type="{itype.pk}">' in html
    )

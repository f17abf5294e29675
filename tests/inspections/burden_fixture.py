"""A small, hand-computed world for the burden figures: two regions, four councils.

North West
  Lakeshire  E1 ILACS standard    9-20 Jan 2023     10 days  100 data/prep, 50.5 managers/on site
             E2 focused visit     6-7 Mar 2023       2 days   20 practitioners/on site
             E4 engagement mtg   15 May 2023         1 day     4 senior leaders/prep (not formal)
             E3 JTAI              2-20 Oct 2023     15 days  200 partners/on site
             E5 focused visit     3-4 Jun 2024       2 days   10 data/after
             gaps between formal starts 56, 210, 245 days; 3 formal starts within 365 days
             clusters: back-to-back (E1, E2), crowded year (E1, E2, E3)
  Riverton   F1 JTAI              6-24 Feb 2023     15 days  300 partners/on site
             F2 area SEND full   20 Feb-10 Mar 2023 15 days  120 data/prep
             F3 children's home   4 Apr 2023         1 day   no hours (not formal)
             gap 14 days; cluster: back-to-back (F1, F2)
  Moorside   no events
London
  Thameside  G1 ILACS short       6-10 Jun 2022      5 days   80 managers/prep
             G2 focused visit     5-6 Jun 2023       2 days   15 data/on site
             gap 364 days
"""

from dataclasses import dataclass
from datetime import date

from inspections.models import Cluster, ClusterRule, InspectionEvent
from tests import factories


@dataclass
class BurdenWorld:
    north_west: object
    london: object
    lakeshire: object
    riverton: object
    moorside: object
    thameside: object
    events: dict[str, InspectionEvent]


def _cluster(council, rule_name, events):
    rule = ClusterRule.objects.get(name=rule_name)
    first = min(e.on_site_start for e in events)
    last = max(e.on_site_start for e in events)
    cluster = Cluster.objects.create(
        council=council,
        rule=rule,
        member_key=",".join(str(e.pk) for e in sorted(events, key=lambda e: e.pk)),
        first_date=first,
        last_date=last,
        span_days=(last - first).days,
        event_count=len(events),
    )
    cluster.events.set(events)
    return cluster


def build_world(north_west, london, lakeshire, riverton) -> BurdenWorld:
    moorside = factories.make_council("Moorside", region=north_west)
    thameside = factories.make_council("Thameside", region=london)
    ev = factories.make_event
    hours = factories.make_hours
    e = {
        "E1": ev(lakeshire, "ilacs_standard", date(2023, 1, 9), end=date(2023, 1, 20)),
        "E2": ev(lakeshire, "ilacs_focused_visit", date(2023, 3, 6), end=date(2023, 3, 7)),
        "E4": ev(lakeshire, "ilacs_engagement_meeting", date(2023, 5, 15), end=date(2023, 5, 15)),
        "E3": ev(lakeshire, "jtai", date(2023, 10, 2), end=date(2023, 10, 20)),
        "E5": ev(lakeshire, "ilacs_focused_visit", date(2024, 6, 3), end=date(2024, 6, 4)),
        "F1": ev(riverton, "jtai", date(2023, 2, 6), end=date(2023, 2, 24)),
        "F2": ev(riverton, "area_send_full", date(2023, 2, 20), end=date(2023, 3, 10)),
        "F3": ev(riverton, "childrens_home", date(2023, 4, 4), end=date(2023, 4, 4)),
        "G1": ev(thameside, "ilacs_short", date(2022, 6, 6), end=date(2022, 6, 10)),
        "G2": ev(thameside, "ilacs_focused_visit", date(2023, 6, 5), end=date(2023, 6, 6)),
    }
    hours(e["E1"], 100, team="data", phase="preparation")
    hours(e["E1"], 50.5, team="managers", phase="on_site")
    hours(e["E2"], 20, team="practitioners", phase="on_site")
    hours(e["E4"], 4, team="senior_leaders", phase="preparation")
    hours(e["E3"], 200, team="partners", phase="on_site")
    hours(e["E5"], 10, team="data", phase="after")
    hours(e["F1"], 300, team="partners", phase="on_site")
    hours(e["F2"], 120, team="data", phase="preparation")
    hours(e["G1"], 80, team="managers", phase="preparation")
    hours(e["G2"], 15, team="data", phase="on_site")
    # Clusters as the detection would record them (built here so that the figures do not
    # depend on the detection's own tests).
    Cluster.objects.all().delete()
    _cluster(lakeshire, "Back-to-back", [e["E1"], e["E2"]])
    _cluster(lakeshire, "Crowded year", [e["E1"], e["E2"], e["E3"]])
    _cluster(riverton, "Back-to-back", [e["F1"], e["F2"]])
    return BurdenWorld(north_west, london, lakeshire, riverton, moorside, thameside, e)

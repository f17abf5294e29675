from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from inspections.models import Cluster, ClusterRule, Notice
from inspections.services.clusters import cluster_acknowledge, council_clusters_recheck
from tests.factories import make_council, make_event, make_hours, make_user

pytestmark = pytest.mark.django_db

DAY0 = date(2025, 3, 3)


def cluster_of(council, *offsets, first="jtai", hours=None):
    events = [make_event(council, first, DAY0 + timedelta(days=offsets[0]))]
    events += [
        make_event(council, "ilacs_focused_visit", DAY0 + timedelta(days=offset))
        for offset in offsets[1:]
    ]
    if hours:
        make_hours(events[0], hours)
    council_clusters_recheck(council_id=council.pk, alert=False)
    return Cluster.objects.filter(council=council, event_count=len(offsets)).first(), events


@pytest.fixture
def cluster_a(council_a):
    return cluster_of(council_a, 0, 40, hours=120)[0]


@pytest.fixture
def cluster_b(council_b):
    return cluster_of(council_b, 0, 30, hours=77)[0]


def listed(response):
    return {c.pk for c in response.context["clusters"]}


def test_cluster_pages_need_a_signed_in_user(client, cluster_a):
    for url in (
        reverse("cluster-list"),
        cluster_a.get_absolute_url(),
        reverse("cluster-acknowledge", args=[cluster_a.pk]),
    ):
        assert client.get(url).status_code == 302


def test_the_clusters_list_filters_by_region_council_rule_period_and_acknowledgement(
    client_for, lga_officer, cluster_a, cluster_b, london
):
    other = make_council("Thameside", region=london)
    cluster_c, _ = cluster_of(other, 500, 560)
    cluster_acknowledge(cluster=cluster_b, user=lga_officer, note="")
    client = client_for(lga_officer)
    url = reverse("cluster-list")
    crowded = ClusterRule.objects.get(name="Crowded year")

    assert listed(client.get(url)) == {cluster_a.pk, cluster_b.pk, cluster_c.pk}
    assert listed(client.get(url, {"region": "north-west"})) == {cluster_a.pk, cluster_b.pk}
    assert listed(client.get(url, {"council": "thameside"})) == {cluster_c.pk}
    assert listed(client.get(url, {"rule": crowded.pk})) == set()
    assert listed(client.get(url, {"acknowledged": "yes"})) == {cluster_b.pk}
    assert listed(client.get(url, {"acknowledged": "no"})) == {cluster_a.pk, cluster_c.pk}
    period = {"date_from_day": "1", "date_from_month": "6", "date_from_year": "2026"}
    assert listed(client.get(url, period)) == {cluster_c.pk}
    before = {"date_to_day": "1", "date_to_month": "1", "date_to_year": "2026"}
    assert listed(client.get(url, before)) == {cluster_a.pk, cluster_b.pk}


def test_the_clusters_list_is_paginated(client_for, lga_officer, council_a):
    rule = ClusterRule.objects.get(name="Back-to-back")
    Cluster.objects.bulk_create(
        Cluster(
            council=council_a,
            rule=rule,
            member_key=f"{n}-{n + 1}",
            first_date=DAY0 + timedelta(days=n),
            last_date=DAY0 + timedelta(days=n + 10),
            span_days=10,
            event_count=2,
        )
        for n in range(55)
    )
    client = client_for(lga_officer)

    first = client.get(reverse("cluster-list"))
    second = client.get(reverse("cluster-list"), {"page": 2})

    assert len(first.context["clusters"]) == 50 and len(second.context["clusters"]) == 5
    assert 'aria-label="Pagination"' in first.content.decode()


def test_the_cluster_page_shows_its_members_in_order_with_the_gaps_in_days(
    client_for, viewer_a, council_a
):
    cluster, events = cluster_of(council_a, 0, 40, 70, hours=10)

    response = client_for(viewer_a).get(cluster.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert [m.event for m in response.context["cluster"].members] == events
    assert [m.gap_days for m in response.context["cluster"].members] == [None, 40, 30]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-gap>40</td>' in body
    assert "Acknowledge this cluster" not in body  # a viewer changes nothing


def test_a_council_user_sees_the_hours_of_their_own_councils_clusters_only(
    client_for, editor_a, cluster_a, cluster_b
):
    client = client_for(editor_a)

    rows = {
        c.pk: c.visible_staff_hours for c in client.get(reverse("cluster-list")).context["clusters"]
    }
    own = client.get(cluster_a.get_absolute_url()).content.decode()
    other = client.get(cluster_b.get_absolute_url()).content.decode()

    assert rows[cluster_a.pk] == 120 and rows[cluster_b.pk] is None
    assert "120.0" in own
    assert "77.0" not in other and "Shown only to Riverton" in other


def test_an_editor_acknowledges_their_councils_cluster_with_a_note(client_for, editor_a, cluster_a):
    response = client_for(editor_a).post(
        reverse("cluster-acknowledge", args=[cluster_a.pk]), {"note": "Told Ofsted in May"}
    )

    cluster_a.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == cluster_a.get_absolute_url()
    assert cluster_a.acknowledged_by == editor_a and cluster_a.acknowledged_at
    assert cluster_a.acknowledgement_note == "Told Ofsted in May"


def test_an_administrator_may_acknowledge(client_for, administrator, cluster_a):
    response = client_for(administrator).post(
        reverse("cluster-acknowledge", args=[cluster_a.pk]), {}
    )

    cluster_a.refresh_from_db()
    assert response.status_code == 302 and cluster_a.acknowledged_by == administrator


@pytest.mark.parametrize("role", ["viewer_a", "lga_officer"])
def test_viewers_and_lga_officers_who_change_nothing_may_not_acknowledge(
    request, client_for, role, cluster_a
):
    client = client_for(request.getfixturevalue(role))
    url = reverse("cluster-acknowledge", args=[cluster_a.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "seen"}).status_code == 404
    assert "Acknowledge this cluster" not in client.get(cluster_a.get_absolute_url()).text
    cluster_a.refresh_from_db()
    assert cluster_a.acknowledged_at is None


def test_another_councils_user_gets_404_on_the_acknowledge_form(client_for, editor_b, cluster_a):
    client = client_for(editor_b)
    url = reverse("cluster-acknowledge", args=[cluster_a.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "not ours"}).status_code == 404
    page = client.get(cluster_a.get_absolute_url())
    assert page.status_code == 200 and "Acknowledge this cluster" not in page.content.decode()
    cluster_a.refresh_from_db()
    assert cluster_a.acknowledged_at is None


def test_a_user_of_no_council_cannot_acknowledge(client_for, cluster_a):
    nobody = make_user("nobody")

    assert (
        client_for(nobody).get(reverse("cluster-acknowledge", args=[cluster_a.pk])).status_code
        == 404
    )


def test_the_council_page_lists_its_clusters_with_their_gaps(client_for, viewer_a, cluster_a):
    response = client_for(viewer_a).get(cluster_a.council.get_absolute_url())

    body = response.content.decode()
    assert [c.pk for c in response.context["council_clusters"]] == [cluster_a.pk]
    assert (
        'id="council-clusters"' in body
        and '<td class="govuk-table__cell" data-gaps>40</td>' in body
    )


def test_the_event_page_shows_the_cluster_the_event_belongs_to(client_for, editor_b, council_a):
    cluster, events = cluster_of(council_a, 0, 40)

    response = client_for(editor_b).get(events[1].get_absolute_url())
    lonely = make_event(council_a, "hmip_youth_justice", DAY0 + timedelta(days=400))
    alone = client_for(editor_b).get(lonely.get_absolute_url())

    assert [c.pk for c in response.context["event_clusters"]] == [cluster.pk]
    body = response.content.decode()
    assert 'id="event-clusters"' in body and "2 inspections within 40 days" in body
    assert 'id="event-clusters"' not in alone.content.decode()


def test_a_new_notice_shows_on_the_next_page_only(client_for, lga_officer, cluster_a):
    Notice.objects.create(user=lga_officer, cluster=cluster_a, message="Back-to-back: Lakeshire")
    client = client_for(lga_officer)

    first = client.get(reverse("cluster-list")).content.decode()
    second = client.get(reverse("cluster-list")).content.decode()

    assert 'id="cluster-notices"' in first and "Back-to-back: Lakeshire" in first
    assert 'id="cluster-notices"' not in second


def test_the_navigation_has_a_clusters_item(client_for, viewer_a):
    response = client_for(viewer_a).get(reverse("cluster-list"))

    items = {item["label"]: item for item in response.context["nav_items"]}
    assert items["Clusters"]["url"] == reverse("cluster-list") and items["Clusters"]["current"]


def test_a_rule_changed_in_the_admin_rechecks_every_council(
    client_for, administrator, cluster_a, cluster_b, django_capture_on_commit_callbacks
):
    rule = ClusterRule.objects.get(name="Back-to-back")
    data = {
        "name": rule.name,
        "description": rule.description,
        "window_days": "35",  # cluster_a's gap is 40 days, cluster_b's 30
        "min_events": "2",
        "formal_only": "on",
        "anchor": rule.anchor,
        "severity": rule.severity,
        "is_active": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            reverse("admin:inspections_clusterrule_change", args=[rule.pk]), data
        )

    assert response.status_code == 302
    assert set(Cluster.objects.filter(rule=rule)) == {cluster_b}


def test_the_admin_refuses_a_rule_with_an_unknown_family(client_for, administrator):
    response = client_for(administrator).post(
        reverse("admin:inspections_clusterrule_add"),
        {
            "name": "Typo",
            "window_days": "90",
            "min_events": "2",
            "families": ["ilac"],
            "anchor": "on_site_start",
            "severity": "high",
        },
    )

    assert response.status_code == 200
    assert "ilac is not one of the available choices" in response.content.decode()
    assert not ClusterRule.objects.filter(name="Typo").exists()


def test_a_cluster_page_says_its_span_in_plain_words_and_cites_no_file(
    client_for, lga_officer, council_a
):
    same_day, _ = cluster_of(council_a, 0, 0)
    page = client_for(lga_officer).get(same_day.get_absolute_url()).content.decode()
    assert "2 inspections of Lakeshire on the same day" in page
    assert "within 0 days" not in page
    assert ".md" not in page and ".py" not in page
    rule = ClusterRule.objects.get(name="Back-to-back")
    assert "DOMAIN" not in rule.description and rule.description.startswith("Two formal")
    assert escape(rule.description) in page


def test_span_in_words():
    from inspections.models import span_in_words

    assert [span_in_words(days) for days in (0, 1, 40, 1200)] == [
        "on the same day",
        "within 1 day",
        "within 40 days",
        "within 1,200 days",
    ]


def test_a_cluster_with_demo_members_or_demo_hours_says_demo(client_for, lga_officer, council_a):
    from inspections.models import Source, StaffTime

    cluster, events = cluster_of(council_a, 0, 20)
    client = client_for(lga_officer)
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert "Demo" not in page
    # Demo hours on a published event: its row, the hours and the cluster say demo.
    StaffTime.objects.create(event=events[1], team="data", phase="after", hours=3, is_demo=True)
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert page.count("data-demo-member") == 1
    assert 'id="cluster-demo"' in page
    hours = page.split('id="cluster-hours">')[1].split("</dd>")[0]
    assert "Demo" in hours
    # A demo event is a demo member too, in the list as on the page.
    events[0].source = Source.DEMO
    events[0].save()
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert page.count("data-demo-member") == 2
    listing = client.get(reverse("cluster-list")).content.decode()
    assert listing.count('govuk-tag--grey">Demo') >= 3

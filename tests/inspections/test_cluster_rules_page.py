"""Cluster rules in plain words for administrators: checkboxes, a preview, saving through the
services (issue #13)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from inspections.cluster_forms import WHICH_EVENTS_COUNT, ClusterRuleForm
from inspections.clustering import EventPoint
from inspections.models import Cluster, ClusterRule
from tests.factories import inspection_type, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(council_a, council_b):
    # Lakeshire: two ILACS visits 30 days apart, and a JTAI 20 days after the second.
    make_event(council_a, "ilacs_focused_visit", date(2024, 1, 8))
    make_event(council_a, "ilacs_focused_visit", date(2024, 2, 7))
    make_event(council_a, "jtai", date(2024, 2, 27))
    # Riverton: two area SEND inspections 40 days apart.
    make_event(council_b, "area_send_full", date(2024, 5, 6))
    make_event(council_b, "area_send_full", date(2024, 6, 15))


def rule_data(**changes):
    data = {
        "name": "Within 45 days",
        "description": "A test rule",
        "window_days": "45",
        "min_events": "2",
        "formal_only": "on",
        "anchor": "on_site_start",
        "counts_estimated_dates": "on",
        "severity": "high",
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def previewed(response) -> tuple[int, int]:
    text = re.sub(r"\s+", " ", response.content.decode())
    match = re.search(r"this rule would find (\d+) clusters? in (\d+) councils?", text)
    return int(match[1]), int(match[2])


def test_a_preview_shows_the_clusters_a_rule_would_find_and_saves_nothing(
    client_for, administrator, history
):
    rules_before = ClusterRule.objects.count()
    client = client_for(administrator)
    response = client.post(
        reverse("cluster-rule-create"), rule_data(families=["ilacs"], preview="1")
    )
    assert response.status_code == 200
    assert previewed(response) == (1, 1)  # Lakeshire's two visits; the JTAI is not ILACS
    assert 'id="rule-preview"' in response.content.decode()
    assert ClusterRule.objects.count() == rules_before

    both = client.post(
        reverse("cluster-rule-create"),
        rule_data(families=["ilacs", "area_send"], preview="1"),
    )
    assert previewed(both) == (2, 2)


def test_saving_goes_through_the_services_and_finds_what_the_preview_showed(
    client_for, administrator, history, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    data = rule_data(families=["area_send"], inspection_types=[inspection_type("jtai").pk])
    shown = previewed(client.post(reverse("cluster-rule-create"), {**data, "preview": "1"}))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cluster-rule-create"), {**data, "save": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("cluster-rules")
    rule = ClusterRule.objects.get(name="Within 45 days")
    assert rule.families == ["area_send"]
    assert list(rule.inspection_types.values_list("code", flat=True)) == ["jtai"]
    # The outbox's re-check ran once the save committed: the clusters the preview promised.
    clusters = Cluster.objects.filter(rule=rule)
    assert (clusters.count(), clusters.values("council").distinct().count()) == shown == (1, 1)


def test_an_empty_selection_means_what_the_help_text_says(client_for, administrator, history):
    client = client_for(administrator)
    # Nothing ticked in either list: every event counts (ILACS with the JTAI, and area SEND).
    nothing = client.post(reverse("cluster-rule-create"), rule_data(preview="1"))
    assert previewed(nothing) == (2, 2)
    # No family ticked but one type: only that type counts (not "every family").
    one_type = client.post(
        reverse("cluster-rule-create"),
        rule_data(inspection_types=[inspection_type("area_send_full").pk], preview="1"),
    )
    assert previewed(one_type) == (1, 1)
    page = nothing.content.decode()
    assert "Tick nothing in either list and every event counts" in page
    assert "With only types ticked, only those types count" in page
    assert "empty means every family" not in page


def test_the_help_text_is_what_the_pure_rule_does():
    form = ClusterRuleForm(
        rule_data(inspection_types=[inspection_type("jtai").pk]), instance=ClusterRule()
    )
    assert form.is_valid(), form.errors
    spec = form.spec()
    day = date(2024, 1, 1)
    jtai = EventPoint(1, "jtai", "jtai", True, day, day, None)
    ilacs = EventPoint(2, "ilacs_standard", "ilacs", True, day, day, None)
    assert spec.counts(jtai) and not spec.counts(ilacs)
    assert "With only types ticked, only those types count" in WHICH_EVENTS_COUNT
    everything = ClusterRuleForm(rule_data(), instance=ClusterRule())
    assert everything.is_valid() and everything.spec().counts(ilacs)


def test_a_rule_changed_on_the_page_rechecks_every_council(
    client_for, administrator, history, django_capture_on_commit_callbacks
):
    rule = ClusterRule.objects.get(name="Back-to-back")
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cluster-rule-edit", args=[rule.pk]),
            rule_data(name=rule.name, window_days="35", save="1"),
        )
    assert response.status_code == 302
    # 35 days: Lakeshire's JTAI 20 days after its second visit; Riverton's 40 days apart no more.
    assert set(Cluster.objects.filter(rule=rule).values_list("council__name", flat=True)) == {
        "Lakeshire"
    }


def test_the_form_names_the_field_it_refuses(client_for, administrator, history):
    response = client_for(administrator).post(
        reverse("cluster-rule-create"),
        rule_data(name="Back-to-back", window_days="0", families=["ilac"], save="1"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "govuk-error-summary" in page
    assert "ilac is not one of the available choices" in page
    assert "Cluster rule with this Name already exists" in page
    assert not ClusterRule.objects.filter(window_days=0).exists()


def test_the_admin_takes_families_as_checkboxes_not_json(client_for, administrator):
    client = client_for(administrator)
    page = client.get(reverse("admin:inspections_clusterrule_add")).content.decode()
    assert 'type="checkbox" name="families" value="area_send"' in page
    response = client.post(
        reverse("admin:inspections_clusterrule_add"),
        {**rule_data(name="From the admin", families=["ilacs", "area_send"])},
    )
    assert response.status_code == 302
    assert ClusterRule.objects.get(name="From the admin").families == ["ilacs", "area_send"]


def test_only_administrators_see_the_link_to_the_rules(client_for, administrator, lga_officer):
    assert "cluster-rules-link" in client_for(administrator).get(reverse("cluster-list")).text
    assert "cluster-rules-link" not in client_for(lga_officer).get(reverse("cluster-list")).text

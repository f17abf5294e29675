"""The load of `python -m benchmarks.load`: signed-in users of every kind at once (locust).

Each simulated user signs in once (before the measured period: the driver resets the figures
when every user has started) and then, with 1-3 s of thinking between requests, does what
council officers and LGA officers do around a consultation deadline, weighted:

- page views: the England dashboard as it opens, a region's dashboard, their council's page,
  an event's page, the clusters list, the home page;
- filtered dashboards: a region, period (all time included), family or type chosen;
- saves: an event's form posted back with a changed note; an event's staff-time form posted
  back as it is (editors, their own council);
- CSV exports: the burden summary, a region's events, a council's staff time.

Requests are named by endpoint (not by URL), so the figures are per endpoint. Users, their
councils and event ids come from LOAD_USERS_FILE, written by the driver.
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

from benchmarks.html_forms import form_fields

USERS = json.loads(open(os.environ["LOAD_USERS_FILE"]).read())  # noqa: SIM115
REGIONS = USERS["regions"]
FAMILIES = ["ilacs", "jtai", "area_send"]
PERIODS = [
    "",
    "date_from=2015-01-01",
    "date_from=2023-04-01",
    "date_from=2020-01-01&date_to=2022-12-31",
]
_next_user = iter(range(10**9))
# Every request's time, for the driver's own percentiles: from the moment every user has
# started (their sign-ins before it are left out), written to LOAD_SAMPLES_FILE at the end.
# The fourth field is what went wrong (the exception's type and message), or None.
SAMPLES: list[tuple[str, float, str | None, float]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    if not name.startswith("sign in"):
        failure = None if exception is None else f"{type(exception).__name__}: {exception}"[:300]
        SAMPLES.append((name, response_time, failure, time.time()))


@events.spawning_complete.add_listener
def _all_started(user_count, **kwargs):
    SAMPLES.clear()


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    with open(os.environ["LOAD_SAMPLES_FILE"], "w") as handle:
        json.dump(SAMPLES, handle)


class Officer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        me = USERS["users"][next(_next_user) % len(USERS["users"])]
        self.me = me
        login = self.client.get("/accounts/login/", name="sign in (form)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        self.client.post(
            "/accounts/login/",
            data={"username": me["username"], "password": USERS["password"],
                  "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in",
        )  # fmt: skip

    # --- page views ---------------------------------------------------------------------------
    @task(6)
    def england_dashboard(self):
        self.client.get("/dashboards/", name="England dashboard (default)")

    @task(4)
    def region_dashboard(self):
        self.client.get(f"/regions/{random.choice(REGIONS)}/", name="region dashboard (default)")

    @task(6)
    def council_page(self):
        self.client.get(f"/councils/{self.me['council']}/", name="council page")

    @task(4)
    def event_page(self):
        self.client.get(f"/events/{random.choice(self.me['events'])}/", name="event page")

    @task(2)
    def clusters(self):
        self.client.get("/clusters/", name="clusters list")

    @task(1)
    def home(self):
        self.client.get("/", name="home")

    # --- filtered dashboards ------------------------------------------------------------------
    @task(3)
    def filtered_region(self):
        query = "&".join(
            part
            for part in (
                random.choice(PERIODS),
                random.choice(["", *(f"family={f}" for f in FAMILIES)]),
            )
            if part
        )
        self.client.get(
            f"/regions/{random.choice(REGIONS)}/?{query}", name="region dashboard (filtered)"
        )

    @task(2)
    def filtered_england(self):
        self.client.get(f"/dashboards/?{random.choice(PERIODS)}", name="England dashboard (period)")

    # --- saves --------------------------------------------------------------------------------
    @task(1)
    def event_save(self):
        if not self.me["editor"]:
            return
        url = f"/events/{random.choice(self.me['events'])}/edit/"
        form = self.client.get(url, name="event form")
        fields = [(k, v) for k, v in form_fields(form.text) if k != "notes"]
        fields.append(("notes", f"Load test note {random.randrange(10**6)}"))
        with self.client.post(
            url, data=fields, headers={"Referer": self.host + url}, name="event save",
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"event not saved: {response.status_code}")

    @task(1)
    def staff_time_save(self):
        if not self.me["editor"]:
            return
        url = f"/events/{random.choice(self.me['events'])}/staff-time/"
        form = self.client.get(url, name="staff-time form")
        with self.client.post(
            url, data=form_fields(form.text), headers={"Referer": self.host + url},
            name="staff-time save", allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"staff time not saved: {response.status_code}")

    # --- CSV exports --------------------------------------------------------------------------
    @task(2)
    def summary_csv(self):
        self.client.get(f"/exports/summary.csv?{random.choice(PERIODS)}", name="summary CSV")

    @task(1)
    def region_events_csv(self):
        self.client.get(
            f"/exports/events.csv?region={random.choice(REGIONS)}", name="region events CSV"
        )

    @task(1)
    def council_staff_time_csv(self):
        self.client.get(
            f"/exports/staff-time.csv?council={self.me['council']}", name="council staff-time CSV"
        )

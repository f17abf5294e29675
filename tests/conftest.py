import os
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# Property tests judge values, never speed: on a loaded 2-core machine (CI beside other work) a
# slow example is not a failure. Timings live in benchmarks.
hypothesis_settings.register_profile(
    "burden", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("burden")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With REQUIRE_INTEGRATION=1 (.ci/run's PostgreSQL pass) an integration test may not skip.

    A pass whose broker or database is misconfigured would otherwise skip them and pass.
    """
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and os.environ.get("REQUIRE_INTEGRATION") == "1"
        and item.get_closest_marker("integration")
        and not hasattr(report, "wasxfail")
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_INTEGRATION=1 but this integration test skipped: {reason}"


@pytest.fixture(autouse=True)
def tasks_run_eagerly_unless_integration(request):
    """Tasks run in-process in every test but those marked `integration`.

    With CELERY_BROKER_URL set (the second pass of .ci/run) Celery would otherwise send them to
    Redis, where no worker listens; the integration tests start their own worker.
    """
    if request.node.get_closest_marker("integration"):
        yield
        return
    from burden.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@contextmanager
def rolled_back_at_end(django_db_blocker):
    """Data set up once for a class or module of (non-transactional) tests, then rolled back.

    Use in a class- or module-scoped fixture: what is made inside stays in one open transaction;
    each test's own transaction (pytest-django's `db`) is a savepoint inside it, rolled back when
    the test ends, so every test starts from the same data; the whole is rolled back at the end
    of the scope. Tasks run eagerly meanwhile, as in every non-integration test.
    """
    from django.db import transaction

    from burden.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            app.conf.task_always_eager = previous


@pytest.fixture(scope="module")
def council_register(django_db_setup, django_db_blocker):
    """The real council register as `make run` loads it (153 councils, aliases, joint services),
    loaded once for the module that asks for it (0.5-3 s a load) and rolled back at its end.

    Only for modules whose every database test asks for it: a test that does not, running after
    one that did, would find the register there too.
    """
    from councils.services import council_register_load

    with rolled_back_at_end(django_db_blocker):
        council_register_load()
        yield


@pytest.fixture(autouse=True)
def dashboards_show_each_write_at_once(settings):
    """Dashboards are drawn again after every write, as without Redis: the refresh interval
    (settings.DASHBOARD_REFRESH_SECONDS, on with Redis) has tests of its own."""
    settings.DASHBOARD_REFRESH_SECONDS = 0


@pytest.fixture(autouse=True)
def cache_starts_empty():
    """Every test starts with an empty cache.

    Cached dashboard figures are dropped when a write commits, and tests roll back instead of
    committing: without this, one test's figures could show up in the next.
    """
    from django.core.cache import cache

    from inspections.selectors.burden import memo_forget

    cache.clear()
    memo_forget()


@pytest.fixture
def north_west(db):
    return factories.make_region("North West", "E12000002")


@pytest.fixture
def london(db):
    return factories.make_region("London", "E12000007")


@pytest.fixture
def council_a(north_west):
    return factories.make_council("Lakeshire", region=north_west)


@pytest.fixture
def council_b(north_west):
    return factories.make_council("Riverton", region=north_west)


@pytest.fixture
def editor_a(council_a):
    return factories.make_user("editor.a", council=council_a, role="editor")


@pytest.fixture
def viewer_a(council_a):
    return factories.make_user("viewer.a", council=council_a, role="viewer")


@pytest.fixture
def editor_b(council_b):
    return factories.make_user("editor.b", council=council_b, role="editor")


@pytest.fixture
def lga_officer(db):
    return factories.make_user("lga.officer", lga=True)


@pytest.fixture
def administrator(db):
    return factories.make_user("administrator", admin=True)


@pytest.fixture
def client_for(client):
    """Sign a user in on the test client: `client_for(editor_a)`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in

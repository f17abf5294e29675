"""The deployment files agree with each other and with the settings.

The production stack itself is started and tested by `make smoke-prod` (tests/smoke); the Docker
image cannot be built on machines without a Docker engine, so what can be checked of it without
one is checked here: the compose file parses, its app services share one image, and the image
collects static files the way production serves them.
"""

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_image_collects_static_files_with_debug_off_so_the_manifest_is_written():
    steps = [
        line
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("RUN ") and "collectstatic" in line
    ]
    assert len(steps) == 1
    words = shlex.split(steps[0].removeprefix("RUN "))
    assert "DEBUG=false" in words
    assert not any(word.startswith("DEBUG=") and word != "DEBUG=false" for word in words)


def test_compose_runs_web_worker_and_beat_from_one_image_with_debug_off():
    services = _compose()["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    for name in APP_SERVICES:
        assert services[name]["environment"]["DEBUG"] == "false"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_prepares_the_database_then_serves_like_the_procfile():
    services = _compose()["services"]
    web = services["web"]["command"]
    assert "manage.py prepare_production" in web
    assert web.index("prepare_production") < web.index("gunicorn")
    procfile = _procfile()
    gunicorn_config = re.search(r"--config (\S+)", procfile["web"]).group(1)
    assert gunicorn_config in web
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["command"].startswith("celery -A burden worker")
    assert services["beat"]["command"].startswith("celery -A burden beat")


def test_the_procfile_starts_gunicorn_a_worker_and_beat():
    procfile = _procfile()
    assert set(procfile) == {"web", "worker", "beat"}
    assert procfile["web"].split()[:2] == ["gunicorn", "burden.wsgi:application"]
    assert "celery -A burden worker" in procfile["worker"]
    assert "celery -A burden beat" in procfile["beat"]


def test_every_variable_compose_sets_is_one_the_settings_read():
    settings_text = (ROOT / "burden" / "settings.py").read_text()
    for name in APP_SERVICES:
        for variable in _compose()["services"][name]["environment"]:
            assert f'"{variable}"' in settings_text, f"{variable} is not read by the settings"


def test_a_long_outbox_argument_list_fits_its_key():
    """A first start loads published history for 153 councils: its outbox key must fit."""
    from inspections.models import OutboxEntry
    from inspections.outbox import outbox_key

    limit = OutboxEntry._meta.get_field("key").max_length
    key = outbox_key([list(range(10_000, 10_153))])
    assert len(key) <= limit
    assert key != outbox_key([list(range(10_000, 10_154))])
    assert outbox_key([5]) == "[5]"


def test_make_run_links_e_mails_to_the_address_it_serves_on():
    """Reset links are built from SITE_URL (never the Host header): `make run` on another port
    must say so, or its e-mails would link to port 8000."""
    import subprocess

    dry_run = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8611"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    assert "SITE_URL=http://127.0.0.1:8611 " in serve
    assert serve.endswith("runserver 127.0.0.1:8611")

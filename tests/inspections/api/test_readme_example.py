"""The README's API example, run as it stands (curl, then Python) against a live server."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from inspections.models import Cluster, InspectionEvent, StaffTime
from tests import factories

README = Path(__file__).resolve().parents[3] / "README.md"


def _blocks() -> tuple[str, str]:
    text = README.read_text()
    section = text[text.index("### Worked example") :]
    bash = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    python = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    return bash, python


@pytest.fixture
def manchester_editor(transactional_db, django_db_serialized_rollback, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    factories.ensure_reference_data()
    region = factories.make_region("North West", "E12000002")
    council = factories.make_council("Manchester", region=region, gss="E08000003", dfe="352")
    user = factories.make_user("manchester.data", council=council, role="editor")
    return council, Token.objects.create(user=user).key


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_example_loads_a_year_and_reads_back_the_clusters(
    live_server, manchester_editor
):
    council, key = manchester_editor
    bash, python = _blocks()
    env = {**os.environ, "API_URL": live_server.url, "API_TOKEN": key}
    shell = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", bash], env=env, capture_output=True, text=True
    )
    assert shell.returncode == 0, shell.stderr
    assert '"results":[]' in shell.stdout  # one event: no cluster yet

    first = subprocess.run(
        [sys.executable, "-c", python], env=env, capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("Logged ") == 3  # the JTAI was already sent by curl
    assert InspectionEvent.objects.filter(council=council).count() == 4
    assert StaffTime.objects.filter(event__council=council).count() == 6  # 1 by curl, 5 here
    assert Cluster.objects.filter(council=council).exists()
    assert "Back-to-back" in first.stdout or "back-to-back" in first.stdout.lower()

    again = subprocess.run(
        [sys.executable, "-c", python], env=env, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert "Logged " not in again.stdout
    assert InspectionEvent.objects.filter(council=council).count() == 4

import pytest
from django.core.exceptions import ImproperlyConfigured

from burden.settings import env_bool, env_int, env_list


def test_env_bool_refuses_a_value_that_is_not_true_or_false(monkeypatch):
    monkeypatch.setenv("DEBUG_TEST", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG_TEST must be true or false"):
        env_bool("DEBUG_TEST", True)


def test_env_helpers_read_values_and_defaults(monkeypatch):
    monkeypatch.setenv("A_FLAG", "off")
    monkeypatch.setenv("A_NUMBER", "42")
    monkeypatch.setenv("A_LIST", "a.example, b.example")
    assert env_bool("A_FLAG", True) is False
    assert env_bool("UNSET_FLAG", True) is True
    assert env_int("A_NUMBER", 1) == 42
    assert env_list("A_LIST", []) == ["a.example", "b.example"]


def test_env_int_refuses_words(monkeypatch):
    monkeypatch.setenv("A_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="A_NUMBER must be a whole number"):
        env_int("A_NUMBER", 1)


def test_secret_key_is_required_when_debug_is_off():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django, os; django.setup()"],
        env={"DEBUG": "false", "DJANGO_SETTINGS_MODULE": "burden.settings", "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr

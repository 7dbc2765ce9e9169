"""`manage.py check --deploy` passes with production-like settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.processes import run_captured


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.pop("TESTING", None)
    env.update(
        DEBUG="0",
        TESTING="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_HTTPS="1",
        ALLOWED_HOSTS="example.com",
        SITE_URL="https://example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        # Production sends real e-mail; the console backend is for development only.
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.com",
    )
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_captured(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        timeout=120,
    )


def test_check_deploy_passes_in_production(tmp_path):
    result = check_deploy(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_an_insecure_setting(tmp_path):
    """The test can fail: without HTTPS the cookie and HSTS checks complain."""
    env = production_env(tmp_path)
    env["SECURE_HTTPS"] = "0"
    result = check_deploy(env)
    assert result.returncode != 0
    assert "security.W012" in result.stderr or "security.W012" in result.stdout

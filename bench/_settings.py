"""Settings for the benchmarks: the product's, plus a floor URL (bench/_urls.py) and
e-mails kept in memory (the console backend would print into the figures)."""

from clb.settings import *  # noqa: F403

ROOT_URLCONF = "bench._urls"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

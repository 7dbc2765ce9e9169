"""The e-mails background tasks send: a subject and a plain-text body rendered from the
templates `<template>_subject.txt` and `<template>_message.txt`, linking to the product."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse


def send_templated(template: str, to: str, context: dict[str, Any]) -> None:
    """Send `to` the message `template` ("reviews/email/launched") rendered with `context`
    and `SITE_URL`; the subject on one line."""
    context = {**context, "SITE_URL": settings.SITE_URL.rstrip("/")}
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_message.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])


def page_url(name: str, fallback: str, **kwargs: Any) -> str:
    """The path of the page `name` (with `kwargs`), or `fallback` where the pages are not
    mounted (the domain layer alone)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback

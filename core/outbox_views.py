"""The development outbox: e-mails `make run` printed, with clickable links.

Only when `settings.DEV_OUTBOX` is on (make run; never with HTTPS or a real mail
backend), and then only for a request from this machine (no proxy in between) or a
staff user. Anything else answers 404, as if the page did not exist."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.mail import stored_messages

LOOPBACK = {"127.0.0.1", "::1"}
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def is_local(request: HttpRequest) -> bool:
    return request.META.get("REMOTE_ADDR", "") in LOOPBACK and not any(
        header in request.META for header in PROXY_HEADERS
    )


def outbox_allowed(request: HttpRequest) -> bool:
    if not settings.DEV_OUTBOX:
        return False
    return bool(request.user.is_authenticated and request.user.is_staff) or is_local(request)


@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    if not outbox_allowed(request):
        raise Http404("Not found")
    mails = stored_messages()[:50]
    return render(request, "core/outbox.html", {"mails": mails})

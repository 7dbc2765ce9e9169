"""A button that acts on one object: what the pages' small POST-only views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect


def act_on(
    request: HttpRequest,
    item: Any,
    action: Callable[..., object],
    refusal: type[Exception],
    to: str,
    done: str = "",
) -> HttpResponse:
    """POST only (405 otherwise; the caller looks `item` up first, so another
    organization's id answers 404): `action(item, actor=request.user)`, then go `to` (a URL
    or a URL name) with the action's `refusal` as an error message, or `done` as a success
    message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        action(item, actor=request.user)
    except refusal as error:
        messages.error(request, str(error))
    else:
        if done:
            messages.success(request, done)
    return redirect(to)

"""The buttons that move a cycle on: close the forms and open calibration, finalize
calibration, release the results, close the cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from organizations.access import OrgRequest, org_required
from organizations.models import Role
from reviews import services
from reviews.errors import ReviewError
from reviews.models import ReviewCycle
from reviews.views.common import get_cycle, post_only

Status = ReviewCycle.Status


def cycle_transition(
    service: Callable[..., Any],
    status: str,
    *,
    done: str,
    then: str = "reviews:cycle",
    back: str = "reviews:cycle",
) -> Callable[[HttpRequest, str], HttpResponse]:
    """The view of a button that moves a cycle on from `status` (calibration, finalize,
    release, close). HR only, POST only: call the service with the revision the page
    showed; say `done` (it may name the cycle as {name}); go to `then`, or back to `back`
    when the service refused."""

    @org_required(Role.HR_ADMIN)
    @post_only
    def view(request: OrgRequest, cycle_id: str) -> HttpResponse:
        cycle = get_cycle(cycle_id, status)
        revision = int(request.POST.get("revision", -1))
        try:
            service(cycle, expected_revision=revision, actor=request.user)
        except ReviewError as err:
            messages.error(request, err.message)
            return redirect(back, cycle_id=cycle.public_id)
        messages.success(request, done.format(name=cycle.name))
        return redirect(then, cycle_id=cycle.public_id)

    return view


open_calibration = cycle_transition(
    services.open_calibration,
    Status.OPEN,
    done="The forms are closed. Calibration is open.",
    then="reviews:calibration",
)
finalize = cycle_transition(
    services.finalize_calibration,
    Status.CALIBRATION,
    done="Calibration is finalized. Release the results when you are ready.",
    then="reviews:calibration",
    back="reviews:calibration",
)
release = cycle_transition(
    services.release_cycle,
    Status.CALIBRATION,
    done="The results are released. Everyone reviewed has been e-mailed.",
    back="reviews:calibration",
)
close = cycle_transition(services.close_cycle, Status.RELEASED, done="“{name}” is closed.")

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.navigation import ADMIN_MENU, nav_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the app shell needs on every page: the organization, the role, the trial."""
    org = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    context: dict[str, Any] = {
        "SITE_NAME": settings.SITE_NAME,
        "org": org,
        "membership": membership,
        "is_admin": bool(membership and membership.is_admin),
        "is_owner": bool(membership and membership.is_owner),
        "all_memberships": getattr(request, "all_memberships", []),
        "PRICE": settings.PRICE_PER_ORGANIZATION_MONTHLY,
        "PRICE_YEARLY": settings.PRICE_PER_ORGANIZATION_YEARLY,
        "TRIAL_DAYS": settings.TRIAL_DAYS,
    }
    if membership is not None:
        from people.selectors import is_manager, person_for_request

        me = person_for_request(request)
        manager = is_manager(me)
        context.update(
            me=me,
            is_manager=manager,
            nav=nav_for(request, is_admin=membership.is_admin, is_manager=manager),
            admin_menu=nav_for(
                request,
                is_admin=membership.is_admin,
                is_manager=manager,
                entries=ADMIN_MENU,
                is_owner=membership.is_owner,
            ),
        )
    return context

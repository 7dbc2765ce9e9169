import pytest
from django.urls import reverse

from core.navigation import ADMIN_MENU, NAV

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", [entry[0] for entry in NAV + ADMIN_MENU])
def test_every_nav_entry_resolves(name):
    reverse(name)


def test_navigation_fits_the_role(world):
    admin_page = world.client_for(world.hr).get("/home/").content.decode()
    employee_page = world.client_for(world.employee).get("/home/").content.decode()
    manager_page = world.client_for(world.manager).get("/home/").content.decode()
    assert reverse("organizations:audit_log") in admin_page
    assert reverse("organizations:audit_log") not in employee_page
    assert reverse("people:team") in manager_page
    assert reverse("people:team") not in employee_page
    assert reverse("frameworks:my_ladder") in employee_page


def test_no_work_in_progress_views_remain():
    from django.urls import get_resolver

    from tests.test_access_matrix import all_patterns

    get_resolver()
    leftovers = [name for name, cb, _ in all_patterns() if cb.__module__ == "core.wip"]
    assert not leftovers, f"unfinished URLs: {leftovers}"

import pytest
from django.core.management import call_command

from organizations.models import Organization
from organizations.scoping import scope, unscoped
from people.models import Person

pytestmark = pytest.mark.django_db


def roster(slug):
    with unscoped():
        org = Organization.objects.get(slug=slug)
    with scope(org):
        return sorted(
            (p.name, p.level.code if p.level else "", p.manager.name if p.manager else "")
            for p in Person.objects.select_related("manager")
        )


def test_seed_demo_is_deterministic_and_complete(capsys):
    from frameworks.models import FrameworkVersion

    call_command("seed_demo", "--org", "one", "--people", "12", "--seed", "3")
    out = capsys.readouterr().out
    assert "hr@one.test" in out and "employee@one.test" in out and "password" in out
    call_command("seed_demo", "--org", "two", "--people", "12", "--seed", "3")
    assert roster("one") == roster("two")
    assert len(roster("one")) == 12
    with unscoped():
        org = Organization.objects.get(slug="one")
    with scope(org):
        assert FrameworkVersion.objects.filter(status="published").count() == 3
        employee = Person.objects.get(email="employee@one.test")
        assert employee.level is not None and employee.manager.email == "manager@one.test"
        assert Person.objects.filter(level_uid="", job_family__isnull=False).count() == 0
        # every demo person can log in with the demo password, so each role can be tried
        from core.demo import DEMO_PASSWORD

        people = list(Person.objects.filter(is_active=True).select_related("user"))
        assert people and all(p.user and p.user.check_password(DEMO_PASSWORD) for p in people)
    call_command("seed_demo", "--org", "one", "--people", "12", "--seed", "3")
    assert "Found" in capsys.readouterr().out
    assert len(roster("one")) == 12


def test_if_empty_leaves_existing_installations_alone(world, capsys):
    call_command("seed_demo", "--if-empty")
    assert "no demo created" in capsys.readouterr().out
    with unscoped():
        assert not Organization.objects.filter(slug="demo").exists()


def test_seed_demo_orgs_makes_organizations_in_bulk(capsys):
    """`--orgs N`: N organizations with ladders, reporting lines that follow them, a
    released cycle, a cycle in calibration, action items and promotion cases."""
    from growth.models import ActionItem
    from promotions.models import PromotionCase
    from reviews.models import ReviewCycle, ReviewForm

    args = ["--org", "bulk", "--orgs", "2", "--people", "30", "--cycles", "1", "--seed", "4"]
    call_command("seed_demo", *args)
    out = capsys.readouterr().out
    assert "bulk-1: 30 people" in out and "bulk-2: 30 people" in out
    for slug in ("bulk-1", "bulk-2"):
        with unscoped():
            org = Organization.objects.get(slug=slug)
        with scope(org):
            people = list(Person.objects.select_related("manager"))
            assert len(people) == 30
            employee = Person.objects.get(email=f"employee@{slug}.test")
            assert employee.manager.email == f"manager@{slug}.test"
            for person in people:  # reports sit below their manager on the same ladder
                if person.job_family_id and person.manager.job_family_id == person.job_family_id:
                    assert person.manager.level.rank > person.level.rank
            statuses = set(ReviewCycle.objects.values_list("status", flat=True))
            assert statuses == {"released", "calibration"}
            assert not ReviewForm.objects.exclude(status="submitted").exists()
            assert ActionItem.objects.exists() and PromotionCase.objects.exists()
    assert roster("bulk-1") != roster("bulk-2")  # another seed per organization
    call_command("seed_demo", *args)  # again: nothing new
    assert len(roster("bulk-1")) == 30


def test_the_demo_has_people_ready_for_the_next_level(capsys):
    """The readiness list of the demo shows somebody: a few people's latest manager
    ratings meet the readiness rule for a level one step up."""
    from promotions.selectors import candidates_for

    call_command("seed_demo", "--org", "ready", "--people", "40", "--seed", "7")
    with unscoped():
        org = Organization.objects.get(slug="ready")
    with scope(org):
        people = list(Person.objects.filter(is_active=True))
        ready = [c for c in candidates_for(org, people) if c.ready]
        assert len(ready) >= 2, [c.person.name for c in ready]
        # the seed stored them: the list page reads those rows, with nothing to repair
        from promotions.models import ReadinessRecord
        from promotions.services.readiness import stale_people

        assert not stale_people(Person.objects.filter(is_active=True)).exists()
        stored = ReadinessRecord.objects.filter(ready=True, person__is_active=True)
        assert {r.person_id for r in stored} == {c.person.pk for c in ready}

"""An HR admin cannot lock themselves out by deactivating their own entry."""

from organizations.scoping import scope


def test_nobody_deactivates_themselves(world):
    from people.models import Person
    from people.services import PersonError, set_active

    with scope(world.acme):
        me = Person.objects.get(user=world.hr)
        try:
            set_active(me, actor=world.hr, active=False)
        except PersonError as error:
            assert "cannot deactivate yourself" in str(error)
        else:
            raise AssertionError("deactivated themselves")
        me.refresh_from_db()
        assert me.is_active
    page = world.client_for(world.hr).get(f"/people/{me.public_id}/").content.decode()
    assert f"/people/{me.public_id}/deactivate/" not in page

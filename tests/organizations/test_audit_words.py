"""The audit log page speaks in words, not in stored keys."""

from organizations.audit_words import action_words, change_rows, data_rows
from organizations.scoping import scope
from people.services import create_person


def test_keys_become_words():
    assert action_words("person.created") == "Person added"
    assert action_words("thing.was_done") == "Thing was done"
    assert change_rows({"job_family": [None, "Design"], "title": ["", ""]}) == [
        ("Job family", "—", "Design")
    ]
    assert change_rows({"role": ["member", "hr_admin"]}) == [("Role", "Member", "HR admin")]
    assert ("Start date", "—", "2 Apr 2024") in change_rows({"start_date": [None, "2024-04-02"]})
    assert data_rows({"source": "blank", "element": "2.A.1.a"}) == [
        ("Started from", "a blank ladder")
    ]


def test_audit_log_page_shows_words(world):
    with scope(world.acme):
        create_person(world.acme, actor=world.hr, name="Nia Quinn", email="nia@acme.test")
    body = world.client_for(world.hr).get("/organization/audit-log/").content.decode()
    assert "Person added" in body and "Nia Quinn" in body
    assert "person.created" not in body.split("<tbody>")[1]
    assert "job_family" not in body


def test_dashboard_verbs_read_as_a_sentence(world):
    with scope(world.acme):
        create_person(world.acme, actor=world.hr, name="Nia Quinn", email="nia@acme.test")
        from organizations.models import AuditEntry

        entry = AuditEntry.objects.filter(action="person.created").first()
        assert entry.verb == "added"
    body = world.client_for(world.hr).get("/home/").content.decode()
    assert "added <strong>Nia Quinn</strong>" in body


def test_a_long_detail_opens_on_demand_and_a_short_one_shows_in_full(world):
    from organizations.audit import record

    evidence = "Writes a problem-framing memo before committing the roadmap. " * 12
    with scope(world.acme):
        record(
            world.acme, world.hr, "promotion.decided", data={"evidence": evidence, "note": "Short"}
        )
    body = world.client_for(world.hr).get("/organization/audit-log/").content.decode()
    row = body.split("<tbody>")[1]
    assert '<details class="audit-long"><summary><strong>Evidence</strong>' in row
    assert "Show all" in row and evidence.strip() in row
    assert "<div><strong>Note</strong>: Short</div>" in row


def test_the_audit_search_says_what_it_searches(world):
    body = world.client_for(world.hr).get("/organization/audit-log/").content.decode()
    assert 'aria-describedby="id_q_helptext"' in body
    assert (
        '<span class="hint" id="id_q_helptext">A person, an e-mail, an item name or what happened '
        "(e.g. decided)</span>" in body
    )


def test_the_audit_search_finds_what_happened_by_its_words(world):
    with scope(world.acme):
        create_person(world.acme, actor=world.hr, name="Nia Quinn", email="nia@acme.test")
    client = world.client_for(world.hr)

    def rows(q):
        body = client.get("/organization/audit-log/", {"q": q}).content.decode()
        return body.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in body else ""

    assert "Nia Quinn" in rows("person ADDED")  # the action's words, in any case
    assert "Nia Quinn" in rows("nia quinn")  # the item, as before
    assert "Nia Quinn" not in rows("decided")

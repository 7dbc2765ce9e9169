"""Promotion rounds (a committee decides a batch of cases) and files attached to cases
(size- and type-checked from their bytes, stored under a random name)."""

from __future__ import annotations

import io
import zipfile

import pytest

from promotions import services
from promotions.access import can_decide, can_see_case, viewer_of
from promotions.errors import NotAllowed, PromotionError
from promotions.models import CaseArtifact, CaseEvidence, CaseStatement, PromotionRound
from promotions.services.artifacts import sniff
from tests.promotions.factories import READY, reviewed
from tests.promotions.helpers import attach, case_in_review, decide

pytestmark = pytest.mark.django_db


def test_a_committee_decides_its_rounds_cases(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t)
    with pytest.raises(NotAllowed):
        services.create_round(world.acme, actor=world.manager, name="x", committee=[world.p_owner])
    round = services.create_round(
        world.acme,
        actor=world.hr,
        name="Spring 2026",
        committee=[world.p_owner],
        cases=[case],
    )
    case.refresh_from_db()
    assert case.round == round
    owner_view = viewer_of(world.owner)
    assert can_see_case(case, owner_view) and can_decide(case, owner_view)
    with pytest.raises(PromotionError, match="Decide every case"):
        services.close_round(round, actor=world.hr, expected_revision=round.revision)
    decide(case, world.owner, "decline", "Not this round.")
    assert case.record["round"] == "Spring 2026"
    services.close_round(round, actor=world.hr, expected_revision=round.revision)
    round.refresh_from_db()
    assert round.status == PromotionRound.Status.CLOSED


def test_cases_leave_a_round_and_its_committee_loses_them(t, world):
    from people.services import create_person

    reviewed(world, t, READY)
    case = case_in_review(world, t)
    director = create_person(
        world.acme, actor=world.owner, name="Dee Director", email="dee@acme.test"
    )
    round = services.create_round(
        world.acme, actor=world.hr, name="R", committee=[director], cases=[case]
    )
    services.update_round(
        round,
        actor=world.hr,
        expected_revision=round.revision,
        name="R",
        committee=[director],
        cases=[],
    )
    case.refresh_from_db()
    assert case.round is None
    dee = viewer_of(None)
    dee.person, dee.is_admin = director, False
    assert not can_see_case(case, dee) and not can_decide(case, dee)


def test_the_nominee_is_not_on_the_committee(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t)
    with pytest.raises(PromotionError):
        services.create_round(
            world.acme, actor=world.hr, name="R", committee=[t.emma], cases=[case]
        )


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx(macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def test_sniffing_checks_the_bytes_not_the_name():
    assert sniff("design.pdf", PDF) == "pdf"
    assert sniff("notes.txt", "Plain notes – UTF-8".encode()) == "txt"
    assert sniff("write-up.docx", docx()) == "docx"
    for name, data in [
        ("evil.pdf", b"MZ\x90\x00 not a pdf"),
        ("run.exe", b"MZ"),
        ("page.html", b"<script>alert(1)</script>"),
        ("macro.docx", docx(macros=True)),
        ("fake.docx", PDF),
        ("binary.txt", b"abc\x00def"),
    ]:
        with pytest.raises(PromotionError):
            sniff(name, data)


def test_upload_attach_as_evidence_and_remove(t, world, media, django_capture_on_commit_callbacks):
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    art = services.upload_artifact(
        case,
        actor=world.manager,
        expected_revision=case.revision,
        name="../../Search design.pdf",
        data=PDF,
        description="The design doc",
    )
    assert art.name == ".._.._Search design.pdf"
    assert (
        art.file.name == f"promotions/{world.acme.public_id}/{case.public_id}/{art.public_id}.pdf"
    )
    assert (media / art.file.name).read_bytes() == PDF
    case.refresh_from_db()
    d3a = CaseStatement.objects.get(case=case, text__startswith="d3a")
    services.save_case(
        case,
        actor=world.manager,
        expected_revision=case.revision,
        evidence={d3a.statement_uid: [f"artifact:{art.public_id}"]},
    )
    assert CaseEvidence.objects.get(statement=d3a).label == "File “.._.._Search design.pdf”"
    case.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.remove_artifact(art, actor=world.employee, expected_revision=case.revision)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_artifact(art, actor=world.manager, expected_revision=case.revision)
    assert not CaseArtifact.objects.filter(case=case).exists()
    assert not CaseEvidence.objects.filter(statement=d3a).exists()
    assert not (media / art.file.name).exists()


def test_size_limit(t, world, settings, tmp_path):
    settings.PROMOTION_FILE_MAX_BYTES = 100
    case = services.open_case(t.emma, actor=world.manager, target_level_uid=t.levels["G3"].uid)
    with pytest.raises(PromotionError, match="larger than"):
        attach(case, world.manager, "big.pdf", PDF + b"x" * 200)


def test_a_decided_round_case_does_not_say_its_silent_reviewer_is_waiting(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t, reviewers=[world.p_hr])
    round = services.create_round(
        world.acme, actor=world.hr, name="Spring 2026", committee=[world.p_owner], cases=[case]
    )
    page = f"/promotions/rounds/{round.public_id}/"
    assert "waiting" in world.client_for(world.hr).get(page).content.decode()
    decide(case, world.owner, "decline", "Not this round.")
    body = world.client_for(world.hr).get(page).content.decode()
    assert "no verdict given" in body and "waiting" not in body


def test_a_decided_case_page_says_a_silent_reviewer_gave_no_verdict(t, world):
    reviewed(world, t, READY)
    case = case_in_review(world, t, reviewers=[world.p_hr])
    page = f"/promotions/cases/{case.public_id}/"
    assert "no verdict yet" in world.client_for(world.hr).get(page).content.decode()
    decide(case, world.owner, "decline", "Not this time.")
    body = world.client_for(world.hr).get(page).content.decode()
    assert "no verdict given" in body and "no verdict yet" not in body

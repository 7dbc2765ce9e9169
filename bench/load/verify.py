"""Did the database keep exactly what the load test was told it kept?

`verify(ledger, state)` compares locust's ledger (what each form's reviewer was answered:
submitted or not, and the answers of its last acknowledged save) with the database read
back afterwards (bench/load/db.py `state`). Plain data in, plain data out: no Django,
no locust, so a test can hand it crafted data.

- lost: locust was told "submitted" (the redirect to Reviews) and the form is not.
- duplicated: the audit log records more than one submission of a form.
- unexpected: a form is submitted that locust saw refused, or never submitted.
- answers_mismatched: a rating or comment differs from the last acknowledged save.
- uncertain: a request whose answer never came (timeout, cut connection); its form is
  then not held to either outcome, and is listed instead.
"""

from __future__ import annotations

from typing import Any

SUBMITTED = "submitted"


def verify(ledger: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    forms: dict[str, dict[str, Any]] = ledger.get("forms", {})
    db_forms: dict[str, dict[str, Any]] = state["forms"]
    events: dict[str, int] = state.get("submitted_events", {})
    answers: dict[str, dict[str, list[Any]]] = state.get("answers", {})

    lost, unexpected, uncertain, mismatched = [], [], [], []
    submitted_by_locust = 0
    checked = 0
    for pid, entry in sorted(forms.items()):
        stored = db_forms.get(pid, {}).get("status")
        said = entry.get("submitted")
        if said is True:
            submitted_by_locust += 1
            if stored != SUBMITTED:
                lost.append(pid)
        elif said is None:
            uncertain.append(pid)
        elif stored == SUBMITTED:
            unexpected.append(pid)
        if not entry.get("certain", True) or said is None:
            continue
        expected = entry.get("answers")
        if expected is None:  # opened, never saved
            continue
        for uid, held in sorted(answers.get(pid, {}).items()):
            want = expected.get(uid, [None, ""])
            checked += 1
            if [held[0], held[1] or ""] != [want[0], want[1] or ""]:
                mismatched.append({"form": pid, "statement": uid, "saved": want, "stored": held})
    for pid, info in sorted(db_forms.items()):
        if info.get("status") == SUBMITTED and pid not in forms:
            unexpected.append(pid)
    duplicated = sorted(pid for pid, n in events.items() if n > 1)
    submitted_in_db = sum(1 for info in db_forms.values() if info.get("status") == SUBMITTED)
    return {
        "submitted_by_locust": submitted_by_locust,
        "submitted_in_db": submitted_in_db,
        "submission_events": sum(events.values()),
        "lost": lost,
        "duplicated": duplicated,
        "unexpected": sorted(unexpected),
        "uncertain": uncertain,
        "answers_checked": checked,
        "answers_mismatched": mismatched,
        "ok": not (lost or duplicated or unexpected or mismatched),
    }

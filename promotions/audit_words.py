"""How the audit log words promotion actions."""

from __future__ import annotations

ACTIONS: dict[str, tuple[str, str]] = {
    "promotion_case.opened": ("Promotion case opened", "opened a promotion case for"),
    "promotion_case.saved": ("Promotion case changed", "changed the promotion case of"),
    "promotion_case.submitted": ("Promotion case sent for review", "sent for review the case of"),
    "promotion_case.people_set": (
        "Promotion case reviewers changed",
        "changed the reviewers and approvers of",
    ),
    "promotion_case.file_added": ("File added to a promotion case", "added a file to the case of"),
    "promotion_case.file_removed": (
        "File removed from a promotion case",
        "removed a file from the case of",
    ),
    "promotion_case.verdict": ("Promotion case verdict given", "gave a verdict on the case of"),
    "promotion_case.decided": ("Promotion decided", "decided the promotion case of"),
    "promotion_case.withdrawn": ("Promotion case withdrawn", "withdrew the promotion case of"),
    "promotion_case.gap_accepted": (
        "Promotion gap accepted as an action item",
        "accepted a gap from the promotion decision of",
    ),
    "promotion_round.created": ("Promotion round created", "created the promotion round"),
    "promotion_round.changed": ("Promotion round changed", "changed the promotion round"),
    "promotion_round.closed": ("Promotion round closed", "closed the promotion round"),
}

FIELDS = {
    "decision": "Decision",
    "rationale": "Rationale",
    "effective_date": "Effective date",
    "summary": "Summary",
    "verdict": "Verdict",
    "reviewers": "Reviewers",
    "approvers": "Approvers",
    "committee": "Committee",
    "round": "Promotion round",
    "cases": "Cases",
    "decide_by": "Committee meets on",
}

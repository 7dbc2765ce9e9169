"""How the audit log words review-cycle actions ("Review cycle launched").

Read by `organizations.audit_words.load`, so `organizations` needs no knowledge of reviews.
Audit entries of forms never carry answers (ratings, comments): the audit log is read by
HR admins, who may be the reviewee or their manager, and peer answers are anonymous."""

from __future__ import annotations

ACTIONS: dict[str, tuple[str, str]] = {
    # action: (label, "<actor> <verb> <item>")
    "rating_scale.changed": ("Rating scale changed", "changed the rating scale of"),
    "review_cycle.created": ("Review cycle created", "created the review cycle"),
    "review_cycle.copied": ("Review cycle copied", "started a review cycle from"),
    "review_cycle.updated": ("Review cycle settings changed", "changed the settings of"),
    "review_cycle.deleted": ("Review cycle deleted", "deleted the review cycle"),
    "review_cycle.participants_added": ("People added to a review cycle", "added people to"),
    "review_cycle.participant_removed": (
        "Person removed from a review cycle",
        "removed someone from",
    ),
    "review_cycle.reviewer_reassigned": ("Reviewer changed", "changed a reviewer in"),
    "review_cycle.launched": ("Review cycle launched", "launched"),
    "review_cycle.reminders_sent": ("Reminders sent", "sent reminders for"),
    "review_cycle.fix_applied": ("Ladder fix applied to open reviews", "applied a ladder fix to"),
    "review_cycle.calibration_opened": ("Calibration opened", "opened calibration of"),
    "review_cycle.finalized": ("Calibration finalized", "finalized calibration of"),
    "review_cycle.released": ("Results released", "released the results of"),
    "review_cycle.closed": ("Review cycle closed", "closed"),
    "review_form.saved": ("Review answers saved", "saved answers on"),
    "review_form.submitted": ("Review submitted", "submitted"),
    "review_form.reopened": ("Review reopened", "reopened"),
    "peer.nominated": ("Peer nominated", "nominated a peer for"),
    "peer.approved": ("Peer approved", "approved a peer for"),
    "peer.declined": ("Peer declined", "declined a peer for"),
    "final_rating.adjusted": ("Final rating adjusted", "adjusted a final rating of"),
    "participant.conversation_recorded": (
        "Review conversation recorded",
        "recorded the review conversation with",
    ),
    "participant.acknowledged": ("Review results acknowledged", "acknowledged the results of"),
}

FIELDS = {
    "period": "Period",
    "inputs": "Inputs",
    "deadlines": "Deadlines",
    "include_next_level": "Next level rated",
    "participants": "People",
    "forms": "Forms",
    "reviewer": "Reviewer",
    "peer": "Peer",
    "reason": "Reason",
    "rating": "Rating",
    "final": "Final rating",
    "competency": "Competency",
    "answers": "Answers saved",
    "kind": "Kind",
    "phase": "Phase",
    "reminders": "Reminders",
    "version": "Version",
    "statements_changed": "Statements changed",
    "statements_added": "Statements added",
    "statements_removed": "Statements removed",
    "points": "Points",
    "meets": "Meets the level",
}

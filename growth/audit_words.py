"""How the audit log words growth actions."""

from __future__ import annotations

ACTIONS: dict[str, tuple[str, str]] = {
    "growth_settings.changed": ("Growth settings changed", "changed"),
    "action_item.created": ("Action item added", "added the action item"),
    "action_item.updated": ("Action item changed", "changed the action item"),
    "action_item.status_changed": ("Action item status changed", "changed the status of"),
    "career_conversation.recorded": (
        "Career conversation recorded",
        "recorded a career conversation with",
    ),
}

FIELDS = {
    "readiness_percent": "Readiness: share of statements",
    "readiness_rating": "Readiness: lowest rating that counts",
    "readiness_rater": "Readiness: whose ratings count",
    "suggestions": "Suggested action items",
    "owner": "Owner",
    "competency_uid": "Competency",
    "statement_uid": "Statement",
    "resource_kind": "Kind of resource",
    "resource": "Resource",
    "milestone": "Milestone",
    "due": "Due",
    "status": "Status",
    "held_on": "Held on",
    "next_follow_up": "Next follow-up",
}

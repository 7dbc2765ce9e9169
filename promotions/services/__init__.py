"""The write path for promotions (one transaction each, `ensure_writable`, audited)."""

from promotions.errors import CaseLocked, NotAllowed, PromotionError, StaleError
from promotions.services.artifacts import remove_artifact, upload_artifact
from promotions.services.cases import (
    missing_arguments,
    open_case,
    save_case,
    set_case_people,
    submit_case,
    withdraw_case,
)
from promotions.services.decisions import accept_gap, decide_case, record_verdict
from promotions.services.rounds import close_round, create_round, update_round

__all__ = [
    "CaseLocked",
    "NotAllowed",
    "PromotionError",
    "StaleError",
    "accept_gap",
    "close_round",
    "create_round",
    "decide_case",
    "missing_arguments",
    "open_case",
    "record_verdict",
    "remove_artifact",
    "save_case",
    "set_case_people",
    "submit_case",
    "update_round",
    "upload_artifact",
    "withdraw_case",
]

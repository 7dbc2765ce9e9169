from promotions.models.cases import (
    CaseArtifact,
    CaseEvidence,
    CaseGap,
    CaseReviewer,
    CaseStatement,
    GapAcceptance,
    PromotionCase,
)
from promotions.models.readiness import ReadinessRecord
from promotions.models.rounds import PromotionRound, RoundMember

__all__ = [
    "CaseArtifact",
    "CaseEvidence",
    "CaseGap",
    "CaseReviewer",
    "CaseStatement",
    "GapAcceptance",
    "PromotionCase",
    "PromotionRound",
    "ReadinessRecord",
    "RoundMember",
]

"""/promotions: promotion cases through `promotions.services` (every change: checks,
revision, audit; a decided case is immutable) and `promotions.access` (who sees and does
what — the pages' rules): HR and the managers above the person open and write a case;
its reviewers and approvers and its round's committee see it; HR, approvers and the
committee decide; the nominee reads only the outcome of their own decided case.

/analytics/promotions: the promotion-fairness figures (`fairness.selectors`), HR only.

The routers by part: `readiness`, `cases` (list, read, open, write, verdicts, decision),
`analytics`, `evidence` (what a case may cite, gaps accepted), `rounds`, `files`; the
shapes of a case and the cases a caller may read are in `shapes`."""

from __future__ import annotations

from ninja import Router

from api.routers.promotions import analytics, cases, evidence, files, readiness, rounds

router = Router(tags=["promotions"])
# /promotions/readiness before /promotions/{id}
for part in (readiness, cases, analytics, evidence, rounds, files):
    router.add_router("", part.router)

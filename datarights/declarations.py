"""Every model that holds personal data (or organization data) says here how it is
exported and erased. `tests/datarights/test_registry.py` fails when a model with a key to
a person, a login or an organization is missing, or when one of its keys to a person or a
login has no link below. See docs/data-rights.md."""

from __future__ import annotations

from django.db.models import Q

from datarights.registry import Audience, Link, To, declare, delete, keep, pseudonymise

HR = Audience.HR
SELF = Audience.SELF
NOBODY = Audience.NOBODY

BY = "What they did stays; their name on it is removed."
WITH_LOGIN = (
    "Deleted with the login; kept while the same login is also used in another "
    "organization (only the membership here ends)."
)
LOGIN_ONLY = "Sign-in details are shown to the person only: they download them from their settings."
RELEASED = ("released", "closed")
THEIR_REVIEWS = "Their reviews: the forms about them, the ratings and the conversation."
ANONYMOUS = (
    "Peer and upward feedback is anonymous: never shown one by one, to anybody. "
    "The aggregate is part of the results."
)
DECIDED_CASE = (
    "A decided promotion is the record of an employment decision the organization "
    "must keep; it stays as decided and now names the pseudonym."
)
UNDECIDED_CASE = "Promotion cases about them that were never decided."
CASE_FILE = "The case file is HR's; the person sees the outcome."
NOT_SHOWN_TO_THEM = "The person does not see this in the product; HR's export includes it."
ORG_ONLY = "Organization data: no personal data."


def done_by(path: str, *, audience: Audience = HR, withheld: str = NOT_SHOWN_TO_THEM) -> Link:
    """The login that did something to a row (created, decided, uploaded it …): the row
    stays, their name on it goes."""
    return pseudonymise(path, BY, to=To.LOGIN, audience=audience, withheld=withheld)


def sign_in_detail(path: str) -> Link:
    """A row of the login's sign-in details: deleted with the login, shown to them only."""
    return delete(path, WITH_LOGIN, to=To.LOGIN, audience=SELF, withheld=LOGIN_ONLY)


def review_forms(form: str) -> tuple[Link, Link, Link]:
    """Rows of the review forms about them (`form` is the lookup to the form, "" on the
    form itself): their self review, and the manager review once results are released,
    are theirs; HR has the manager review before; peer and upward forms are nobody's."""
    kind, cycle_status = f"{form}kind", f"{form}cycle__status__in"
    path = f"{form}participant__person"
    return (
        delete(
            path,
            THEIR_REVIEWS,
            where=Q(**{kind: "self"}) | Q(**{kind: "manager", cycle_status: RELEASED}),
        ),
        delete(
            path,
            THEIR_REVIEWS,
            where=Q(**{kind: "manager"}) & ~Q(**{cycle_status: RELEASED}),
            audience=HR,
            withheld="The manager review is shown to them once results are released.",
        ),
        delete(
            path,
            THEIR_REVIEWS,
            where=Q(**{f"{kind}__in": ["peer", "upward"]}),
            audience=NOBODY,
            withheld=ANONYMOUS,
        ),
    )


def case_rows(case: str, *, withheld: str = CASE_FILE) -> tuple[Link, Link]:
    """Rows of a promotion case about them (`case` is the lookup to the case, "" on the
    case itself): kept once the case is decided, deleted while it is not."""
    decided = Q(**{f"{case}status": "decided"})
    path = f"{case}person"
    return (
        keep(path, DECIDED_CASE, where=decided, audience=HR, withheld=withheld),
        delete(path, UNDECIDED_CASE, where=~decided, audience=HR, withheld=withheld),
    )


def _demographics():
    from fairness.models import reading_demographics

    return reading_demographics("self")


def load() -> None:
    # --- logins (installation-wide: a login may belong to several organizations) -------
    declare(
        "Login",
        "auth.User",
        delete("pk", WITH_LOGIN, to=To.LOGIN),
        secret=("password",),
        organization="memberships__organization",
        with_login=True,  # erasure decides the login's fate itself (datarights/erasure.py)
        on_organization_deleted=(
            "Logins used only in this organization are deleted; a login also used elsewhere stays."
        ),
    )
    login = {"organization": "", "with_login": True}
    declare(
        "Login e-mail addresses",
        "account.EmailAddress",
        delete("user", WITH_LOGIN, to=To.LOGIN),
        **login,
    )
    declare(
        "E-mail confirmations",
        "account.EmailConfirmation",
        sign_in_detail("email_address__user"),
        secret=("key",),
        **login,
    )
    declare(
        "Two-factor methods",
        "mfa.Authenticator",
        sign_in_detail("user"),
        secret=("data",),
        **login,
    )
    declare(
        "Company sign-in accounts",
        "socialaccount.SocialAccount",
        sign_in_detail("user"),
        **login,
    )
    declare(
        "Company sign-in tokens",
        "socialaccount.SocialToken",
        delete(
            "account__user",
            WITH_LOGIN,
            to=To.LOGIN,
            audience=NOBODY,
            withheld="Secret sign-in tokens are never exported.",
        ),
        secret=("token", "token_secret"),
        **login,
    )
    declare(
        "Signed-in devices",
        "usersessions.UserSession",
        sign_in_detail("user"),
        secret=("session_key", "data"),
        **login,
    )
    declare(
        "Operator admin log",
        "admin.LogEntry",
        delete(
            "user",
            WITH_LOGIN,
            to=To.LOGIN,
            audience=NOBODY,
            withheld="The installation operator's own change log.",
        ),
        **login,
    )

    # --- organizations, accounts ------------------------------------------------------
    declare("Organization", "organizations.Organization", organization="pk", note=ORG_ONLY)
    declare(
        "Memberships",
        "organizations.Membership",
        delete("user", "Their access to this organization ends.", to=To.LOGIN),
    )
    declare(
        "Audit log",
        "organizations.AuditEntry",
        pseudonymise(
            "actor",
            "The audit trail must show what was done and when; their name and e-mail "
            "address in it are replaced by the pseudonym.",
            to=To.LOGIN,
            audience=HR,
            withheld="The audit log is HR's record; HR's export includes their entries.",
        ),
        pseudonymise(
            "target_label|actor_label|changes|data",
            "Entries about them stay (what was done and when) with the pseudonym.",
            to=To.TEXT,
            audience=HR,
            withheld="The audit log is HR's record; HR's export includes their entries.",
        ),
        pseudonymise(
            "target_id",
            "Entries about them stay (what was done and when) with the pseudonym.",
            to=To.PUBLIC_ID,
            audience=HR,
            withheld="The audit log is HR's record; HR's export includes their entries.",
        ),
        scrub=("actor_label", "target_label", "changes", "data"),
        on_organization_deleted="Deleted with the organization (after the export).",
    )
    declare(
        "Invitations",
        "accounts.Invitation",
        delete("person", "An invitation to join is not needed any more."),
        done_by("invited_by"),
        secret=("token_hash",),
    )

    # --- people -----------------------------------------------------------------------
    declare(
        "Directory entry",
        "people.Person",
        pseudonymise(
            "pk",
            "The entry stays as a pseudonym (“Erased person …”) so that what must be kept "
            "still adds up; name, e-mail address, job title, start date and manager are "
            "removed.",
        ),
        pseudonymise("user", "The entry no longer names their login.", to=To.LOGIN),
        pseudonymise(
            "manager",
            "People who reported to them have no manager until HR sets one.",
            audience=HR,
            withheld="Their reports' entries are other people's data.",
        ),
    )
    declare(
        "Level history",
        "people.LevelChange",
        delete("person", "Their level history (decided promotions keep their own record)."),
        done_by("changed_by"),
        scrub=("reason",),
    )
    declare(
        "People lists being imported",
        "people.PeopleImport",
        delete(
            "rows",
            "An uploaded list that names them: a working copy.",
            to=To.TEXT,
            audience=HR,
            withheld=NOT_SHOWN_TO_THEM,
        ),
        done_by("created_by"),
    )

    # --- frameworks (career ladders: organization data) -------------------------------
    declare("Job families", "frameworks.JobFamily", note=ORG_ONLY)
    declare(
        "Framework versions",
        "frameworks.FrameworkVersion",
        done_by("created_by"),
        done_by("published_by"),
    )
    declare("Levels", "frameworks.Level", note=ORG_ONLY)
    declare("Competency categories", "frameworks.CompetencyCategory", note=ORG_ONLY)
    declare("Competencies", "frameworks.Competency", note=ORG_ONLY)
    declare("Statements", "frameworks.Statement", note=ORG_ONLY)
    declare(
        "Framework edits (undo history)",
        "frameworks.DraftEdit",
        done_by("actor"),
    )
    declare(
        "Spreadsheet imports",
        "spreadsheets.ImportJob",
        delete(
            "payload|summary|errors|result",
            "An uploaded workbook that names them: a working copy, already applied or abandoned.",
            to=To.TEXT,
            audience=HR,
            withheld=NOT_SHOWN_TO_THEM,
        ),
        done_by("created_by"),
        files=("file",),
    )
    declare(
        "Steps of a running spreadsheet import",
        "spreadsheets.AppliedChunk",
        delete(
            "undo",
            "What a running import changed, kept to undo it should it fail; it may hold "
            "their earlier name. Removed when the import ends.",
            to=To.TEXT,
            audience=HR,
            withheld=NOT_SHOWN_TO_THEM,
        ),
        delete(
            "job__payload|job__summary|job__errors|job__result",
            "The steps of an import whose workbook names them go with that import.",
            to=To.TEXT,
            audience=HR,
            withheld=NOT_SHOWN_TO_THEM,
        ),
    )

    # --- reviews ----------------------------------------------------------------------
    declare(
        "Review cycles",
        "reviews.ReviewCycle",
        done_by("created_by"),
    )
    declare(
        "Review participations",
        "reviews.Participant",
        delete("person", THEIR_REVIEWS),
        keep(
            "manager",
            "Reviews they gave as a manager belong to their reports' reviews; they stay, "
            "under the pseudonym.",
            audience=HR,
            withheld="Their reports' reviews are other people's data.",
        ),
        done_by("conversation_by"),
    )
    declare(
        "Peer nominations",
        "reviews.PeerNomination",
        delete("participant__person", THEIR_REVIEWS),
        keep(
            "peer",
            "They were asked for feedback on a colleague: the nomination stays in "
            "the colleague's review, under the pseudonym.",
        ),
        done_by("nominated_by"),
        done_by("decided_by"),
    )
    wrote = (
        "Reviews they wrote about colleagues belong to those colleagues' reviews; they "
        "stay, under the pseudonym."
    )
    declare(
        "Review forms",
        "reviews.ReviewForm",
        *review_forms(""),
        keep("reviewer", wrote),
    )
    declare(
        "Review answers",
        "reviews.FormItem",
        *review_forms("form__"),
        keep("form__reviewer", wrote),
    )
    declare(
        "Final ratings",
        "reviews.FinalRating",
        delete(
            "participant__person", THEIR_REVIEWS, where=Q(participant__cycle__status__in=RELEASED)
        ),
        delete(
            "participant__person",
            THEIR_REVIEWS,
            where=~Q(participant__cycle__status__in=RELEASED),
            audience=HR,
            withheld="Final ratings are shown to them once results are released.",
        ),
        done_by("adjusted_by"),
    )
    declare(
        "Review reminders",
        "reviews.Reminder",
        delete("reviewer", "Reminders sent to them.", audience=HR, withheld=NOT_SHOWN_TO_THEM),
    )
    declare(
        "Framework fixes applied to reviews",
        "reviews.FixApplication",
        done_by("applied_by"),
    )
    declare("Rating scale", "reviews.RatingScale", note=ORG_ONLY)

    # --- API --------------------------------------------------------------------------
    declare(
        "API tokens",
        "api.ApiToken",
        delete("user", "Their API tokens stop working and are deleted.", to=To.LOGIN),
        done_by("created_by"),
        done_by("revoked_by"),
        secret=("digest",),
    )

    # --- growth -----------------------------------------------------------------------
    declare(
        "Career conversations",
        "growth.CareerConversation",
        delete(
            "person",
            "Notes of career conversations with them.",
            audience=HR,
            withheld="Career conversation notes are for managers and HR.",
        ),
        pseudonymise(
            "held_by",
            "Conversations they held with others stay, without their name.",
            audience=HR,
            withheld="Other people's conversations.",
        ),
        done_by("created_by"),
    )
    declare(
        "Action items",
        "growth.ActionItem",
        delete("person", "Their development plan."),
        pseudonymise(
            "owner",
            "Items they owned in someone else's plan stay there, with no owner.",
            audience=HR,
            withheld="Other people's plans.",
        ),
        pseudonymise("created_by", BY, to=To.LOGIN),
    )
    declare(
        "Action item history",
        "growth.ActionItemEvent",
        delete("item__person", "Their development plan."),
        done_by("actor", withheld="Other people's plans."),
        scrub=("actor_label", "changes", "note"),
    )
    declare(
        "Growth settings",
        "growth.GrowthSettings",
        done_by("updated_by"),
    )

    # --- promotions -------------------------------------------------------------------
    declare(
        "Promotion cases",
        "promotions.PromotionCase",
        *case_rows(""),
        pseudonymise(
            "manager",
            "Cases of people they managed stay, without them as manager.",
            audience=HR,
            withheld="Other people's cases.",
        ),
        done_by("decided_by"),
        done_by("opened_by"),
        # the kept decision names the pseudonym, in its words and its record alike
        scrub=("summary", "rationale", "decided_by_label", "readiness", "record"),
        guarded=True,
    )
    for label, model, words in [
        ("Promotion case statements", "promotions.CaseStatement", ("argument",)),
        (
            "Promotion case files",
            "promotions.CaseArtifact",
            ("name", "description", "uploaded_by_label"),
        ),
        (
            "Promotion case evidence",
            "promotions.CaseEvidence",
            ("label", "detail", "added_by_label"),
        ),
        ("Promotion case gaps", "promotions.CaseGap", ("title",)),
    ]:
        declare(
            label,
            model,
            *case_rows("case__"),
            files=("file",) if model.endswith("Artifact") else (),
            siblings=("statement", "artifact") if model.endswith("Evidence") else (),
            scrub=words,
            guarded=True,
        )
    declare(
        "Promotion case reviewers",
        "promotions.CaseReviewer",
        *case_rows("case__", withheld="Reviewers' verdicts are the reviewers' words."),
        keep(
            "person",
            "Their verdicts on colleagues' cases belong to those cases; they "
            "stay, under the pseudonym.",
        ),
        scrub=("comment",),
        guarded=True,
    )
    declare(
        "Accepted promotion gaps",
        "promotions.GapAcceptance",
        *case_rows("gap__case__"),
        pseudonymise(
            "action_item__person",
            "The action item it became is deleted with "
            "their plan; the acceptance stays in the case.",
            audience=HR,
            withheld=CASE_FILE,
        ),
        done_by("accepted_by"),
    )
    declare(
        "Promotion rounds",
        "promotions.PromotionRound",
        done_by("created_by"),
    )
    declare(
        "Readiness for promotion",
        "promotions.ReadinessRecord",
        delete(
            "person",
            "Their readiness figures: a copy of their released reviews' ratings, "
            "recomputed from them.",
            audience=HR,
            withheld=NOT_SHOWN_TO_THEM,
        ),
        siblings=("participant",),  # their own participation, deleted with them
    )
    declare(
        "Promotion committee seats",
        "promotions.RoundMember",
        keep("person", "The committee of a round stays as it was, under the pseudonym."),
    )

    # --- fairness (volunteered data is sealed) ----------------------------------------
    declare("Demographic questions", "fairness.DemographicAttribute", note=ORG_ONLY)
    declare(
        "Volunteered demographic answers",
        "fairness.DemographicAnswer",
        delete(
            "person",
            "Volunteered and sealed: erased.",
            audience=SELF,
            withheld="Sealed: only the person sees their answers.",
        ),
        reader=_demographics,
        in_organization_export=False,
        on_organization_deleted="Deleted with the organization; never exported.",
    )
    declare(
        "Past decision uploads",
        "fairness.PastDecisionUpload",
        done_by("uploaded_by"),
    )
    declare(
        "Past promotion decisions",
        "fairness.PastDecision",
        delete(
            "email",
            "A past decision with their group: used only in aggregate.",
            to=To.EMAIL,
            audience=NOBODY,
            withheld="Used only in aggregate by the fairness analysis.",
        ),
    )

    # --- company sign-in ----------------------------------------------------------------
    declare(
        "Company sign-in settings",
        "sso.SignInSettings",
        secret=("oidc_client_secret",),
        note=ORG_ONLY,
    )
    declare("Verified e-mail domains", "sso.EmailDomain", note=ORG_ONLY)
    declare(
        "Provisioning tokens",
        "sso.ScimToken",
        done_by("created_by"),
        secret=("token_hash",),
    )
    declare(
        "Company directory links",
        "sso.ScimLink",
        delete(
            "person",
            "The company directory's copy of their name.",
            audience=HR,
            withheld=NOT_SHOWN_TO_THEM,
        ),
    )

    # --- billing (organization data) ----------------------------------------------------
    declare("Subscription", "billing.Subscription", note=ORG_ONLY)
    declare(
        "Stripe events",
        "billing.StripeEvent",
        note=ORG_ONLY,
        on_organization_deleted=(
            "Kept without the organization: only Stripe's event ids, so a replayed "
            "event is still recognised."
        ),
    )
    declare("Billing e-mails sent", "billing.BillingNotice", note=ORG_ONLY)

    # --- data rights itself ----------------------------------------------------------
    declare(
        "Organization exports",
        "datarights.OrganizationExport",
        delete(
            "organization",
            "Full exports made before contain them: deleted, so no file keeps their data.",
            to=To.ANY,
            audience=NOBODY,
            withheld="Files of the whole organization, for its owners.",
        ),
        done_by("requested_by", audience=NOBODY,
                withheld="Files of the whole organization, for its owners."),
        files=("file",),
        in_organization_export=False,
    )  # fmt: skip
    declare(
        "Organization deletions",
        "datarights.OrganizationDeletion",
        done_by("requested_by"),
        done_by("cancelled_by"),
        pseudonymise("notify", "Their address is removed from the owners to be told.",
                     to=To.TEXT, audience=HR, withheld=NOT_SHOWN_TO_THEM),
        scrub=("notify",),
        in_organization_export=False,
        on_organization_deleted=(
            "Kept without the organization: its name and the dates, the record that the "
            "deletion was carried out; the owners' addresses are removed."
        ),
    )  # fmt: skip

"""Every URL pattern of the product, classified for the isolation test
(tests/test_access_matrix.py). A URL pattern missing here fails that test.

How to add a URL:
- `public("name")` — anyone may load it (landing, login, …). The outsider must still not
  see Acme's data on it.
- `tenant("name")` — a page of the active organization with no object in the URL. The
  outsider (logged into Globex) gets their own organization's page; the test checks that
  nothing of Acme's appears and that a POST changes nothing of Acme's.
- `tenant("name", person_id="person")` — the URL names an object; each kwarg maps to the
  name of an Acme object made by a builder below. The outsider must get 404 on GET and
  POST, and nothing of Acme's may change.
- `token("name", token="invitation_token")` — secret-token URLs (invitations); a wrong
  token must 404.
- `bearer("name", user_id="person")` — endpoints for machines with an organization's
  bearer token (SCIM, tests/test_access_matrix.py `test_other_organizations_token…`).
- `dev("name")` — a development tool (the outbox): with the tool off, as in production
  and in tests, every GET and POST answers 404.
- `catalog("name", key="template_key")` — the URL names something every organization
  shares (a library template, an O*NET occupation), not a tenant object. The outsider may
  see it, but nothing of Acme's may show or change, even through a POST.

How to add an object: write a builder `@builder("name")` returning a model instance
(its `public_id` is used) or a string. Builders run inside `scope(acme)` with `world`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Route:
    name: str
    kind: str  # public | tenant | token | catalog | bearer
    kwargs: dict[str, str] = field(default_factory=dict)


ROUTES: dict[str, Route] = {}
BUILDERS: dict[str, Callable[[Any], Any]] = {}


def public(name: str, **kwargs: str) -> None:
    ROUTES[name] = Route(name, "public", kwargs)


def tenant(name: str, **kwargs: str) -> None:
    ROUTES[name] = Route(name, "tenant", kwargs)


def token(name: str, **kwargs: str) -> None:
    ROUTES[name] = Route(name, "token", kwargs)


def catalog(name: str, **kwargs: str) -> None:
    ROUTES[name] = Route(name, "catalog", kwargs)


def bearer(name: str, **kwargs: str) -> None:
    """Machine endpoints authenticated by an organization's bearer token (SCIM). Without
    a token: 401. With another organization's token: nothing of Acme's is visible or
    changes, and Acme's objects answer 404."""
    ROUTES[name] = Route(name, "bearer", kwargs)


def dev(name: str, **kwargs: str) -> None:
    """A development tool (`make run` only): answers 404 to everyone unless switched on."""
    ROUTES[name] = Route(name, "dev", kwargs)


def builder(name: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        BUILDERS[name] = fn
        return fn

    return register


# --- objects --------------------------------------------------------------------------


@builder("person")
def _person(world: Any) -> Any:
    return world.p_employee


@builder("manager_person")
def _manager_person(world: Any) -> Any:
    return world.p_manager


# --- core and organizations ---------------------------------------------------------------
public("landing")
public("pricing")
public("onet_attribution")
public("healthz")
public("readyz")
dev("dev_outbox")
tenant("dashboard")
public("no_organization")
public("mfa_required")
tenant("organizations:switch")
tenant("organizations:settings")
tenant("organizations:audit_log")
tenant("organizations:members")


# --- template library (frameworks/library_views.py) ------------------------------------
# Templates are shared product content, not Acme objects: the key is a plain string.
@builder("template_key")
def _template_key(world: Any) -> Any:
    return "product-management"


tenant("frameworks:library")
tenant("frameworks:template_compare")
catalog("frameworks:template_detail", key="template_key")
catalog("frameworks:template_use", key="template_key")


# --- people ------------------------------------------------------------------------------


@builder("people_import")
def _people_import(world: Any) -> Any:
    from people.services import stage_import

    return stage_import(
        world.acme,
        actor=world.hr,
        filename="people.csv",
        header=["Name", "Email"],
        rows=[["Nina New", "nina@acme.test"]],
    )


tenant("people:list")
tenant("people:team")
tenant("people:add")
tenant("people:bulk")
tenant("people:me")
tenant("people:org_chart")
tenant("people:level_options")
tenant("people:import")
tenant("people:import_example")
tenant("people:import_preview", import_id="people_import")
tenant("people:detail", person_id="person")
tenant("people:edit", person_id="person")
tenant("people:deactivate", person_id="person")
tenant("people:reactivate", person_id="person")


# --- accounts: invitations, new organization; organization members ----------------------


@builder("invitation")
def _invitation(world: Any) -> Any:
    from accounts.services import invite_by_email

    return invite_by_email(
        world.acme, email="ivy@acme.test", name="Ivy Invitee", role="member", actor=world.hr
    )


@builder("membership")
def _membership(world: Any) -> Any:
    from organizations.models import Membership

    return Membership.objects.get(user=world.hr)


tenant("accounts:create_organization")
tenant("accounts:invitations")
tenant("accounts:invite_everyone")
tenant("accounts:invite_person", person_id="person")
tenant("accounts:revoke_invitation", invitation_id="invitation")
token("accounts:accept_invitation", token="invitation_token")
tenant("organizations:change_role", membership_id="membership")


# --- statement linter and O*NET (frameworks/lint_views.py, onet/) -------------------------
# O*NET occupations and elements are shared reference data, not Acme objects: plain strings.
@builder("onet_code")
def _onet_code(world: Any) -> Any:
    return "11-2021.00"


@builder("onet_element")
def _onet_element(world: Any) -> Any:
    return "2.A.1.c"


def _lint_version(world: Any) -> Any:
    """A draft of an Acme job family with one level, competency and statement."""
    from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
    from frameworks.services import apply_family_data

    data = FamilyData(
        name="Linted family",
        levels=[LevelData(code="L1", title="Level one", rank=1)],
        competencies=[
            CompetencyData(
                name="Writing",
                statements={"L1": [StatementData("Writes a brief for each feature")]},
            )
        ],
    )
    return apply_family_data(world.acme, data, actor=world.owner)


# the editor's own "version" builder wins when it exists (whichever file order)
if "version" not in BUILDERS:
    builder("version")(_lint_version)

tenant("frameworks:lint")
tenant("frameworks:lint_report", version_id="version")
tenant("onet:search")
catalog("onet:occupation", code="onet_code")
catalog("onet:add", element_id="onet_element")


# --- frameworks: families, versions, the draft editor, ladders (frameworks/views*.py) ------
def _framework_ladder(world: Any) -> Any:
    """Acme's Product Management family: v1 published, and a draft of v2 (built once)."""
    cached = getattr(world, "_framework_ladder", None)
    if cached is None:
        from frameworks.services import start_draft
        from tests.framework_fixtures import load, small_family

        v1 = load(world.acme, small_family(), actor=world.hr, publish=True)
        cached = (v1.family, v1, start_draft(v1.family, actor=world.hr))
        world._framework_ladder = cached
    return cached


@builder("family")
def _family(world: Any) -> Any:
    return _framework_ladder(world)[0]


@builder("version")
def _version(world: Any) -> Any:
    return _framework_ladder(world)[1]


@builder("draft")
def _draft(world: Any) -> Any:
    return _framework_ladder(world)[2]


@builder("level")
def _level(world: Any) -> Any:
    return _framework_ladder(world)[2].levels.get(code="PM2").uid


@builder("competency")
def _competency(world: Any) -> Any:
    return _framework_ladder(world)[2].competencies.get(name="Prioritization").uid


@builder("category")
def _category(world: Any) -> Any:
    return _framework_ladder(world)[2].categories.get(name="Leadership").uid


@builder("guide_slug")
def _guide_slug(world: Any) -> Any:
    return "write-statements"


tenant("frameworks:index")
tenant("frameworks:family_new")
tenant("frameworks:my_ladder")
tenant("frameworks:person_ladder", person_id="person")
tenant("frameworks:ladder_pdf", person_id="person")
public("frameworks:guide", slug="guide_slug")  # product guidance, no tenant data
tenant("frameworks:version", version_id="version")
for _name in (
    "family",
    "diff",
    "start_draft",
    "discard_draft",
    "family_archive",
    "family_restore",
    "family_delete",
    "publish",
    "editor",
    "undo",
    "level_add",
    "category_add",
    "competency_add",
):
    tenant(f"frameworks:{_name}", family_id="family")
tenant("frameworks:cell", family_id="family", competency_uid="competency", level_uid="level")
tenant("frameworks:statement_accept", family_id="family", statement_uid="statement")


@builder("statement")
def _statement(world: Any) -> Any:
    return _framework_ladder(world)[2].statements.order_by("id").first().uid


for _name in ("level_edit", "level_move", "level_remove"):
    tenant(f"frameworks:{_name}", family_id="family", level_uid="level")
for _name in ("category_edit", "category_move", "category_remove"):
    tenant(f"frameworks:{_name}", family_id="family", category_uid="category")
for _name in ("competency_edit", "competency_move", "competency_remove"):
    tenant(f"frameworks:{_name}", family_id="family", competency_uid="competency")


# --- import & export: the Master Template (spreadsheets/) ---------------------------------


@builder("import_job")
def _import_job(world: Any) -> Any:
    from spreadsheets.models import ImportJob

    return ImportJob.objects.create(
        organization=world.acme,
        original_name="acme-ladder.xlsx",
        status=ImportJob.Status.READY,
        summary={"families": [], "people": None, "notes": [], "totals": {}},
        created_by=world.hr,
    )


tenant("spreadsheets:index")
tenant("spreadsheets:template")
tenant("spreadsheets:export")
tenant("spreadsheets:upload")
tenant("spreadsheets:job", job_id="import_job")
tenant("spreadsheets:confirm", job_id="import_job")
tenant("spreadsheets:retry", job_id="import_job")


# --- API tokens (api/views.py); the API itself is covered by tests/api/test_access.py ---


@builder("api_token")
def _api_token(world: Any) -> Any:
    from api.tokens import create_token

    return create_token(world.acme, user=world.hr, actor=world.hr, name="HRIS sync")[0]


tenant("api_tokens:list")
tenant("api_tokens:revoke", token_id="api_token")
public("api:openapi-json")
public("api:openapi-view")
public("api:api-root")
public("api_v1")
# --- company sign-in and SCIM provisioning (sso/) ------------------------------------------


@builder("email_domain")
def _email_domain(world: Any) -> Any:
    from sso.services import add_domain

    return add_domain(world.acme, actor=world.owner, domain="acme.test")


@builder("sign_in_key")
def _sign_in_key(world: Any) -> Any:
    from sso.services import settings_for

    return settings_for(world.acme)


tenant("sso:settings")
tenant("sso:provisioning")
tenant("sso:required")
tenant("sso:domain_add")
tenant("sso:domain_verify", domain_id="email_domain")
tenant("sso:domain_remove", domain_id="email_domain")
public("sso:start")
token("sso:start_for", key="sign_in_key")
for _name in (
    "root",
    "service_provider_config",
    "resource_types",
    "schemas",
    "users",
):
    bearer(f"scim:{_name}")
bearer("scim:resource_type", type_name="user_resource_type")
bearer("scim:schema", schema_id="user_schema_id")
bearer("scim:user", user_id="person")


@builder("user_resource_type")
def _user_resource_type(world: Any) -> Any:
    return "User"


@builder("user_schema_id")
def _user_schema_id(world: Any) -> Any:
    return "urn:ietf:params:scim:schemas:core:2.0:User"


# --- billing and the ROI calculator (billing/) ----------------------------------------------
tenant("billing:index")  # owners only; HR admins and members get 403
tenant("billing:checkout")
tenant("billing:portal")
public("billing:webhook")  # Stripe's; only a correctly signed event changes anything
public("billing:roi")
public("billing:roi_chart")
# --- growth (gap reports, development plans, team gaps) ------------------------------------


@builder("growth_participant")
def _growth_participant(world: Any) -> Any:
    """Emma in a released cycle (rows only: the report of a cycle with no ratings)."""
    from django.utils import timezone

    from reviews.models import Participant, ReviewCycle

    cycle = ReviewCycle.objects.create(
        organization=world.acme,
        name="Released cycle",
        status=ReviewCycle.Status.RELEASED,
        released_at=timezone.now(),
    )
    return Participant.objects.create(
        organization=world.acme,
        cycle=cycle,
        person=world.p_employee,
        manager=world.p_manager,
        level_code="E2",
        level_title="Engineer",
    )


@builder("growth_item")
def _growth_item(world: Any) -> Any:
    from growth.models import ActionItem

    return ActionItem.objects.create(
        organization=world.acme,
        person=world.p_employee,
        owner=world.p_employee,
        competency_uid="c1",
        competency_name="Delivery",
        title="Lead the next release",
    )


tenant("growth:index")
tenant("growth:plan", person_id="person")
tenant("growth:item_new", person_id="person")
tenant("growth:latest_report", person_id="person")
tenant("growth:conversation", person_id="person")
tenant("growth:item", item_id="growth_item")
tenant("growth:item_status", item_id="growth_item")
tenant("growth:report", participant_id="growth_participant")
tenant("growth:report_pdf", participant_id="growth_participant")
tenant("growth:suggest", participant_id="growth_participant")
tenant("growth:team")
tenant("growth:team_csv")
tenant("growth:team_xlsx")
tenant("growth:settings")


# --- review cycles (reviews/) ---------------------------------------------------------------
def _reviews(world: Any) -> dict[str, Any]:
    """Acme's review cycles, one in each state, for Emma (PM2 on the Product Management
    ladder) reviewed by Max: a draft, an open cycle with a peer (Hana), one in
    calibration and one released. Built once per world."""
    cached = getattr(world, "_reviews", None)
    if cached is not None:
        return cached
    from people.services import update_person
    from reviews import services
    from reviews.models import FinalRating, Participant, PeerNomination, ReviewForm

    family, v1, _draft = _framework_ladder(world)
    update_person(
        world.p_employee,
        actor=world.owner,
        expected_revision=None,
        job_family=family,
        level=v1.levels.get(code="PM2"),
    )
    world.p_employee.refresh_from_db()

    def cycle(name: str, peers: int = 0) -> Any:
        return services.create_cycle(
            world.acme,
            name=name,
            actor=world.hr,
            participants=[world.p_employee],
            inputs={"self": True, "manager": True, "peers": peers},
        )

    def launched(name: str, peers: int = 0) -> Any:
        c = cycle(name, peers)
        if peers:
            part = Participant.objects.get(cycle=c)
            services.nominate_peer(part, world.p_hr, actor=world.manager)
        c.refresh_from_db()
        services.launch_cycle(c, expected_revision=c.revision, actor=world.hr)
        c.refresh_from_db()
        return c

    draft = cycle("Review draft")
    open_ = launched("Review open", peers=3)
    calib = launched("Review calibration")
    services.open_calibration(calib, expected_revision=calib.revision, actor=world.hr)
    released = launched("Review released")
    services.open_calibration(released, expected_revision=released.revision, actor=world.hr)
    released.refresh_from_db()
    services.finalize_calibration(released, expected_revision=released.revision, actor=world.hr)
    released.refresh_from_db()
    services.release_cycle(released, expected_revision=released.revision, actor=world.hr)
    calib_part = Participant.objects.get(cycle=calib)
    # the cycles pinned Emma's ladder; her directory entry goes back as other tests expect
    update_person(
        world.p_employee, actor=world.owner, expected_revision=None, job_family=None, level=None
    )
    world.p_employee.refresh_from_db()
    cached = {
        "draft": draft,
        "open": open_,
        "calibration": calib,
        "released": released,
        "self_form": ReviewForm.objects.get(cycle=open_, kind="self"),
        "open_participant": Participant.objects.get(cycle=open_),
        "draft_participant": Participant.objects.get(cycle=draft),
        "calibration_participant": calib_part,
        "released_participant": Participant.objects.get(cycle=released),
        "competency_uid": FinalRating.objects.filter(participant=calib_part).first().competency_uid,
        "nomination": PeerNomination.objects.get(participant__cycle=open_),
    }
    world._reviews = cached
    return cached


for _key in (
    "draft",
    "open",
    "calibration",
    "released",
    "self_form",
    "open_participant",
    "draft_participant",
    "calibration_participant",
    "released_participant",
    "competency_uid",
    "nomination",
):
    builder(f"review_{_key}")(lambda world, key=_key: _reviews(world)[key])

tenant("reviews:my_reviews")
tenant("reviews:cycles")
tenant("reviews:new")
tenant("reviews:scale")
for _name in ("form", "form_save", "form_submit", "form_reopen"):
    tenant(f"reviews:{_name}", form_id="review_self_form")
tenant("reviews:peers", participant_id="review_open_participant")
tenant("reviews:peer_decide", nomination_id="review_nomination")
for _name in ("results", "conversation", "acknowledge"):
    tenant(f"reviews:{_name}", participant_id="review_released_participant")
tenant("reviews:team", cycle_id="review_open")
for _name in (
    "setup_name",
    "setup_people",
    "setup_inputs",
    "setup_deadlines",
    "setup_next_level",
    "setup_preview",
    "launch",
    "delete",
    "add_people",
):
    tenant(f"reviews:{_name}", cycle_id="review_draft")
tenant("reviews:remove_participant", participant_id="review_draft_participant")
tenant("reviews:reassign", participant_id="review_draft_participant")
tenant("reviews:copy", cycle_id="review_released")
for _name in ("cycle", "remind", "fixes", "open_calibration"):
    tenant(f"reviews:{_name}", cycle_id="review_open")
tenant("reviews:close", cycle_id="review_released")
for _name in ("calibration", "finalize"):
    tenant(f"reviews:{_name}", cycle_id="review_calibration")
tenant("reviews:release", cycle_id="review_calibration")
tenant(
    "reviews:adjust",
    participant_id="review_calibration_participant",
    competency_uid="review_competency_uid",
)


# --- promotions (promotions/) ---------------------------------------------------------------
def _promotions(world: Any) -> dict[str, Any]:
    """Emma (PM2 on the Product Management ladder) with a decided "not yet" case (one
    gap), and an open case being written with a file, in a round whose committee is
    Hana. Built once per world; Emma's directory entry goes back as other tests expect."""
    cached = getattr(world, "_promotions", None)
    if cached is not None:
        return cached
    from people.services import update_person
    from promotions import services
    from promotions.models import CaseStatement
    from promotions.selectors import candidate_for

    family, v1, _draft = _framework_ladder(world)
    update_person(
        world.p_employee,
        actor=world.owner,
        expected_revision=None,
        job_family=family,
        level=v1.levels.get(code="PM2"),
    )
    world.p_employee.refresh_from_db()
    target = candidate_for(world.p_employee).targets[0].level_uid

    def opened() -> Any:
        case = services.open_case(world.p_employee, actor=world.owner, target_level_uid=target)
        uids = CaseStatement.objects.filter(case=case).values_list("statement_uid", flat=True)
        services.save_case(
            case,
            actor=world.owner,
            expected_revision=case.revision,
            arguments={u: "Shown on the pricing launch." for u in uids},
        )
        case.refresh_from_db()
        return case

    decided = opened()
    services.submit_case(decided, actor=world.owner, expected_revision=decided.revision)
    decided.refresh_from_db()
    first = CaseStatement.objects.filter(case=decided).first().statement_uid
    services.decide_case(
        decided,
        actor=world.owner,
        expected_revision=decided.revision,
        decision="not_yet",
        rationale="Close; one statement to show.",
        gaps=[first],
    )
    case = opened()
    artifact = services.upload_artifact(
        case,
        actor=world.owner,
        expected_revision=case.revision,
        name="launch.txt",
        data=b"The pricing launch write-up.",
    )
    round = services.create_round(
        world.acme, actor=world.owner, name="Spring round", committee=[world.p_hr], cases=[case]
    )
    update_person(
        world.p_employee, actor=world.owner, expected_revision=None, job_family=None, level=None
    )
    world.p_employee.refresh_from_db()
    cached = {
        "case": case,
        "decided_case": decided,
        "artifact": artifact,
        "gap": decided.gaps.get(),
        "round": round,
    }
    world._promotions = cached
    return cached


for _key in ("case", "decided_case", "artifact", "gap", "round"):
    builder(f"promotion_{_key}")(lambda world, key=_key: _promotions(world)[key])

tenant("promotions:index")
tenant("promotions:readiness")
tenant("promotions:rounds")
tenant("promotions:round_new")
tenant("promotions:new", person_id="person")
for _name in ("case", "save", "people", "upload", "submit", "withdraw", "verdict", "packet"):
    tenant(f"promotions:{_name}", case_id="promotion_case")
tenant("promotions:decide", case_id="promotion_decided_case")
tenant("promotions:artifact", artifact_id="promotion_artifact")
tenant("promotions:remove_file", artifact_id="promotion_artifact")
tenant("promotions:accept_gap", gap_id="promotion_gap")
for _name in ("round", "round_edit", "round_close"):
    tenant(f"promotions:{_name}", round_id="promotion_round")
# data rights
tenant("datarights:my_data")
catalog("datarights:my_export", fmt="export_format")  # the format, not an object
tenant("datarights:person_export", person_id="person", fmt="export_format")
tenant("datarights:person_erase", person_id="person")


@builder("export_format")
def _export_format(world: Any) -> Any:
    return "json"


# --- promotion fairness (fairness/) ---------------------------------------------------------
@builder("fairness_attribute")
def _fairness_attribute(world: Any) -> Any:
    from fairness.services import create_attribute

    return create_attribute(
        world.acme, actor=world.hr, name="Gender", options=["Woman", "Man", "Non-binary"]
    )


@builder("fairness_upload")
def _fairness_upload(world: Any) -> Any:
    from fairness.services import upload_past_decisions

    return upload_past_decisions(
        world.acme,
        actor=world.hr,
        filename="past.csv",
        data=b"email,group,promoted\nold@acme.test,Woman,yes\n",
        default_attribute="Gender",
    )


tenant("fairness:index")  # HR admins and owners; members 403
tenant("fairness:export")
tenant("fairness:questions")
tenant("fairness:question", attribute_id="fairness_attribute")
tenant("fairness:past")
tenant("fairness:remove_past", upload_id="fairness_upload")
tenant("fairness:mine")

tenant("datarights:organization")
tenant("datarights:organization_export")
tenant("datarights:organization_delete")
tenant("datarights:organization_delete_cancel")
tenant("datarights:organization_export_download", export_id="organization_export")


@builder("organization_export")
def _organization_export(world: Any) -> Any:
    from django.core.files.base import ContentFile

    from datarights.models import OrganizationExport

    export = OrganizationExport.objects.create(organization=world.acme, status="done")
    export.file.save("acme.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    return export

"""The template library, the statement linter and O*NET, the frameworks and the draft
editor, the Master Template import and export."""

from __future__ import annotations

from typing import Any

from tests.access_routes.registry import (
    BUILDERS,
    builder,
    catalog,
    public,
    tenant,
)


# --- template library (frameworks/library_views.py) ------------------------------------
# Templates are shared product content, not Acme objects: the key is a plain string.
@builder("template_key")
def _template_key(world: Any) -> Any:
    return "product-management"


tenant("frameworks:library")
tenant("frameworks:template_compare")
catalog("frameworks:template_detail", key="template_key")
catalog("frameworks:template_use", key="template_key")


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
def framework_ladder(world: Any) -> Any:
    """Acme's Product Management family: v1 published, and a draft of v2 (built once)."""
    cached = getattr(world, "framework_ladder", None)
    if cached is None:
        from frameworks.services import start_draft
        from tests.framework_fixtures import load, small_family

        v1 = load(world.acme, small_family(), actor=world.hr, publish=True)
        cached = (v1.family, v1, start_draft(v1.family, actor=world.hr))
        world.framework_ladder = cached
    return cached


def emma_on_pm2(world: Any) -> None:
    """Put Emma on PM2 of that ladder (v1)."""
    from tests.factories import place

    _family, v1, _draft = framework_ladder(world)
    place(world.p_employee, v1.levels.get(code="PM2"), actor=world.owner)
    world.p_employee.refresh_from_db()


def emma_off_ladder(world: Any) -> None:
    """Emma's directory entry back without a ladder, as other tests expect."""
    from people.services import update_person

    update_person(
        world.p_employee, actor=world.owner, expected_revision=None, job_family=None, level=None
    )
    world.p_employee.refresh_from_db()


@builder("family")
def _family(world: Any) -> Any:
    return framework_ladder(world)[0]


@builder("version")
def _version(world: Any) -> Any:
    return framework_ladder(world)[1]


@builder("draft")
def _draft(world: Any) -> Any:
    return framework_ladder(world)[2]


@builder("level")
def _level(world: Any) -> Any:
    return framework_ladder(world)[2].levels.get(code="PM2").uid


@builder("competency")
def _competency(world: Any) -> Any:
    return framework_ladder(world)[2].competencies.get(name="Prioritization").uid


@builder("category")
def _category(world: Any) -> Any:
    return framework_ladder(world)[2].categories.get(name="Leadership").uid


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
    return framework_ladder(world)[2].statements.order_by("id").first().uid


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

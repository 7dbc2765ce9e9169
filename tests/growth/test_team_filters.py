"""The team heatmap's filters (cycle, job family, level, manager) and its grouped figures
(by team, level and job family), on the page and in the CSV and xlsx exports, against
gaps worked out by hand from a small organization.

Final ratings (the scale's "meets" is 3; a gap is 3 − the final, or 3 − a group's mean):

    Growth Engineering     Delivery  Communication  Craft   manager
    Emma   G2                  2          3           1     Max
    Pia    G2                  3          4           2     Max
    Paul   G2                  1          3           3     Max
    Gus    G3                  4          2           3     Max
    Ned    G2                  2          2           2     Nora
    Product Management     Prioritization  Communication
    Zed    PM2                 1              4             Nora

That is "2026 H1". "2026 H2", released after it, reviews Emma alone, rated 3 on all."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from lxml import html as lxml_html
from openpyxl import load_workbook

from frameworks.models import Level
from organizations.scoping import scope
from people.services import create_person
from reviews import services as rs
from reviews.models import FormItem, ReviewCycle, ReviewForm
from tests.framework_fixtures import load, small_family
from tests.growth.factories import growth_team

pytestmark = pytest.mark.django_db

H1 = {
    "Emma": {"Delivery": 2, "Communication": 3, "Craft": 1},
    "Pia": {"Delivery": 3, "Communication": 4, "Craft": 2},
    "Paul": {"Delivery": 1, "Communication": 3, "Craft": 3},
    "Gus": {"Delivery": 4, "Communication": 2, "Craft": 3},
    "Ned": {"Delivery": 2, "Communication": 2, "Craft": 2},
    "Zed": {"Prioritization": 1, "Communication": 4},
}


def _release(world: Any, name: str, finals: dict[Any, dict[str, int]]) -> ReviewCycle:
    """A released cycle whose manager reviews rate every statement of a competency alike,
    so each final rating is the number given."""
    cycle = rs.create_cycle(
        world.acme,
        name=name,
        actor=world.hr,
        participants=list(finals),
        inputs={"self": False, "manager": True, "peers": 0},
    )
    cycle.refresh_from_db()
    rs.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    wanted = {person.pk: ratings for person, ratings in finals.items()}
    items = list(FormItem.objects.filter(form__cycle=cycle).select_related("form__participant"))
    for item in items:
        item.rating = wanted[item.form.participant.person_id][item.competency_name]
    FormItem.objects.bulk_update(items, ["rating"])
    ReviewForm.objects.filter(cycle=cycle).update(status=ReviewForm.Status.SUBMITTED)
    for step in (rs.open_calibration, rs.finalize_calibration, rs.release_cycle):
        cycle.refresh_from_db()
        step(cycle, expected_revision=cycle.revision, actor=world.hr)
    return cycle


@pytest.fixture
def org(world):
    """The organization of the module docstring; public ids of what the filters name."""
    with scope(world.acme):
        t = growth_team(world, peers=2)
        pm = load(world.acme, small_family(), actor=world.hr, publish=True)
        growth = t.levels["G2"].version.family

        def add(name, manager, family, level):
            return create_person(
                world.acme,
                actor=world.owner,
                name=name,
                email=f"{name.split()[0].lower()}@acme.test",
                manager=manager,
                job_family=family,
                level=level,
            )

        nora = add("Nora Lead", world.p_owner, growth, t.levels["G3"])
        people = {
            "Emma": t.emma,
            "Pia": t.peers[0],
            "Paul": t.peers[1],
            "Gus": add("Gus Senior", t.max, growth, t.levels["G3"]),
            "Ned": add("Ned Newer", nora, growth, t.levels["G2"]),
            "Zed": add("Zed Product", nora, pm.family, Level.objects.get(version=pm, code="PM2")),
        }
        h1 = _release(world, "2026 H1", {people[k]: v for k, v in H1.items()})
        h2 = _release(world, "2026 H2", {t.emma: dict.fromkeys(H1["Emma"], 3)})
    return {
        "h1": h1.public_id,
        "h2": h2.public_id,
        "growth": growth.public_id,
        "pm": pm.family.public_id,
        "g2": t.levels["G2"].uid,
        "g3": t.levels["G3"].uid,
        "max": t.max.public_id,
        "nora": nora.public_id,
    }


def _page(client: Any, query: dict[str, str]) -> dict[str, dict[str, str]]:
    """The heatmap on the page: {row label: {column: gap as printed}}."""
    response = client.get(reverse("growth:team"), query)
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    tables = tree.xpath('//table[@class="heatmap"]')
    if not tables:
        return {}
    cols = [th.text_content().strip() for th in tables[0].xpath("./thead/tr/th")][1:]
    rows = {}
    for tr in tables[0].xpath("./tbody/tr"):
        th = tr.xpath("./th")[0]
        label = (th.xpath("./a") or [th])[0].text  # a person's name is a link
        cells = [td.text_content().replace("not rated", "").strip() for td in tr.xpath("./td")]
        rows[label.strip()] = dict(zip(cols, cells, strict=True))
    return rows


def _csv(client: Any, query: dict[str, str]) -> dict[str, dict[str, str]]:
    text = client.get(reverse("growth:team_csv"), query).content.decode()
    head, *body = list(csv.reader(io.StringIO(text)))
    cols = [h.removesuffix(" (gap)") for h in head[2:]]
    return {row[0]: dict(zip(cols, row[2:], strict=True)) for row in body}


def _xlsx(client: Any, query: dict[str, str]) -> dict[str, dict[str, Any]]:
    book = load_workbook(io.BytesIO(client.get(reverse("growth:team_xlsx"), query).content))
    head, *body = list(book["Gaps"].iter_rows(values_only=True))
    cols = [str(h).removesuffix(" (gap)") for h in head[2:]]
    return {row[0]: dict(zip(cols, row[2:], strict=True)) for row in body}


def _printed(gap: str) -> str:
    """A gap as the page prints it: "1.00" → "1", "-0.33" → "−0.33", not rated → "·"."""
    return gap.rstrip("0").rstrip(".").replace("-", "−") if gap else "·"


def _check(client: Any, query: dict[str, str], expected: dict[str, dict[str, str]]) -> None:
    """The page, the CSV and the xlsx all show `expected` (gaps as the CSV writes them,
    "" for not rated), rows in that order, and nothing else."""
    page = _page(client, query)
    assert page == {k: {c: _printed(v) for c, v in row.items()} for k, row in expected.items()}
    assert list(page) == list(expected)
    assert _csv(client, query) == expected
    as_xlsx = {
        k: {c: float(v) if v else None for c, v in row.items()} for k, row in expected.items()
    }
    assert _xlsx(client, query) == as_xlsx


GROWTH_COLUMNS = ("Delivery", "Communication", "Craft")


def _gaps(*values: str, columns: tuple[str, ...] = GROWTH_COLUMNS) -> dict[str, str]:
    return dict(zip(columns, values, strict=True))


def _cycle_filter(hr: Any, org: dict[str, str]) -> None:
    # the latest released cycle by default: Emma alone, meeting every expectation
    latest = {"Emma Employee": _gaps("0.00", "0.00", "0.00")}
    _check(hr, {}, latest)
    _check(hr, {"cycle": org["h2"]}, latest)
    # 2026 H1: everyone on the largest ladder (Growth Engineering), the largest sum of
    # shortfalls first (Emma and Ned 3, Paul 2, Gus and Pia 1), then by name
    _check(
        hr,
        {"cycle": org["h1"]},
        {
            "Emma Employee": _gaps("1.00", "0.00", "2.00"),
            "Ned Newer": _gaps("1.00", "1.00", "1.00"),
            "Paul Peer": _gaps("2.00", "0.00", "0.00"),
            "Gus Senior": _gaps("-1.00", "1.00", "0.00"),
            "Pia Peer": _gaps("0.00", "-1.00", "1.00"),
        },
    )


def _family_filter(hr: Any, org: dict[str, str]) -> None:
    pm = _gaps("2.00", "-1.00", columns=("Prioritization", "Communication"))
    _check(hr, {"cycle": org["h1"], "family": org["pm"]}, {"Zed Product": pm})
    everyone = _csv(hr, {"cycle": org["h1"], "family": "all"})
    assert set(everyone) == {
        "Emma Employee",
        "Pia Peer",
        "Paul Peer",
        "Gus Senior",
        "Ned Newer",
        "Zed Product",
    }
    # across ladders, competencies of the same name share a column
    assert everyone["Zed Product"] == {
        "Delivery": "",
        "Prioritization": "2.00",
        "Communication": "-1.00",
        "Craft": "",
    }


def _level_filter(hr: Any, org: dict[str, str]) -> None:
    _check(
        hr,
        {"cycle": org["h1"], "family": org["growth"], "level": org["g3"]},
        {"Gus Senior": _gaps("-1.00", "1.00", "0.00")},
    )
    g2 = _csv(hr, {"cycle": org["h1"], "family": org["growth"], "level": org["g2"]})
    assert set(g2) == {"Emma Employee", "Pia Peer", "Paul Peer", "Ned Newer"}


def _manager_filter(hr: Any, org: dict[str, str], max_client: Any) -> None:
    _check(
        hr,
        {"cycle": org["h1"], "family": "all", "manager": org["nora"]},
        {
            "Ned Newer": {
                "Delivery": "1.00",
                "Prioritization": "",
                "Communication": "1.00",
                "Craft": "1.00",
            },
            "Zed Product": {
                "Delivery": "",
                "Prioritization": "2.00",
                "Communication": "-1.00",
                "Craft": "",
            },
        },
    )
    mine = _csv(hr, {"cycle": org["h1"], "manager": org["max"]})
    assert set(mine) == {"Emma Employee", "Pia Peer", "Paul Peer", "Gus Senior"}
    # Max sees his own line only, whatever he asks for
    seen_by_max = _csv(max_client, {"cycle": org["h1"], "family": "all"})
    assert set(seen_by_max) == {"Emma Employee", "Pia Peer", "Paul Peer", "Gus Senior"}


def _grouped(hr: Any, org: dict[str, str]) -> None:
    """A group's cell is 3 − the mean of its people's finals."""
    columns = ("Delivery", "Prioritization", "Communication", "Craft")
    cases = [
        (
            {"group": "team"},
            {
                # Delivery (2+3+1+4)/4 = 2.5, Communication (3+4+3+2)/4 = 3, Craft 9/4 = 2.25
                "Max Manager’s team": _gaps("0.50", "0.00", "0.75"),
                "Nora Lead’s team": _gaps("1.00", "1.00", "1.00"),
            },
        ),
        (  # with the level and manager filters too: Emma, Pia and Paul; 10/3 = 3.33
            {"group": "team", "level": org["g2"], "manager": org["max"]},
            {"Max Manager’s team": _gaps("1.00", "-0.33", "1.00")},
        ),
        (
            {"group": "level"},
            {
                # Emma, Pia, Paul, Ned: Delivery 8/4 = 2, Communication 12/4, Craft 8/4
                "G2 Engineer": _gaps("1.00", "0.00", "1.00"),
                "G3 Senior Engineer": _gaps("-1.00", "1.00", "0.00"),
            },
        ),
        (
            {"group": "family", "family": "all"},
            {
                # Delivery 12/5 = 2.4, Communication 14/5 = 2.8, Craft 11/5 = 2.2
                "Growth Engineering": _gaps("0.60", "", "0.20", "0.80", columns=columns),
                "Product Management": _gaps("", "2.00", "-1.00", "", columns=columns),
            },
        ),
    ]
    for query, expected in cases:
        _check(hr, {"cycle": org["h1"], **query}, expected)
    # the levels of two ladders stay apart, each named with its ladder
    by_level = _csv(hr, {"cycle": org["h1"], "group": "level", "family": "all"})
    assert set(by_level) == {
        "G2 Engineer (Growth Engineering)",
        "G3 Senior Engineer (Growth Engineering)",
        "PM2 Product Manager (Product Management)",
    }


def _biggest_gaps(hr: Any, org: dict[str, str]) -> None:
    def biggest(query: dict[str, str]) -> list[str]:
        tree = lxml_html.fromstring(hr.get(reverse("growth:team"), query).content)
        rows = tree.xpath('//section[@aria-labelledby="biggest-heading"]//tbody/tr')
        return [" | ".join(c.text_content().strip() for c in r) for r in rows]

    # Growth Engineering in 2026 H1: Craft 11/5, Delivery 12/5, Communication 14/5
    assert biggest({"cycle": org["h1"]}) == [
        "Craft | Growth Engineering | 2.2 | 0.8 | 3 of 5 (60%)",
        "Delivery | Growth Engineering | 2.4 | 0.6 | 3 of 5 (60%)",
        "Communication | Growth Engineering | 2.8 | 0.2 | 2 of 5 (40%)",
    ]
    assert biggest({"cycle": org["h1"], "manager": org["nora"], "family": "all"}) == [
        "Prioritization | Product Management | 1 | 2 | 1 of 1 (100%)",
        "Communication | Growth Engineering | 2 | 1 | 1 of 1 (100%)",
        "Craft | Growth Engineering | 2 | 1 | 1 of 1 (100%)",
        "Delivery | Growth Engineering | 2 | 1 | 1 of 1 (100%)",
    ]


def test_heatmap_filters_and_groups_on_the_page_and_in_the_exports(world, org):
    """One set-up (two released cycles, six people, two ladders) for every check."""
    hr = world.client_for(world.hr)
    _cycle_filter(hr, org)
    _family_filter(hr, org)
    _level_filter(hr, org)
    _manager_filter(hr, org, world.client_for(world.manager))
    _grouped(hr, org)
    _biggest_gaps(hr, org)

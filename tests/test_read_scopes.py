"""Who sees what: the read scopes of the permission matrix, walked through every page.

``rules.permissions.READS`` says which roles see which agencies' case rows and which only
the figures; ``ui.menu`` derives each role's pages from it. Here every role opens every page
(AppTest, on the sample city) and the test checks that:
- a page outside the role's menu shows a refusal and nothing of the data;
- a page in the menu renders, and every referral or dispute number it lists is one the
  role may see (its own agency a party, for a role scoped to its own agency; none at all
  for a role that sees figures only).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access.commands.base import Actor
from data_access.db import read_session
from data_access.models import Dispute, DisputeParty, Referral
from rules import permissions
from rules.permissions import ANY, OWN
from ui.menu import PAGES, home_url_path

ROOT = Path(__file__).resolve().parent.parent
CASE_COLUMNS = ("移送编号", "争议编号")

#: The scopes the brief and DOMAIN.md ask for, written out independently of the matrix:
#: the office and the chair see every case; heads and clerks every agency's figures but
#: case rows only where their agency is a party; the observer figures only.
EXPECTED = {
    "read.figures": {"office": ANY, "chair": ANY, "head": ANY, "clerk": ANY, "observer": ANY},
    "read.cases": {"office": ANY, "chair": ANY, "head": OWN, "clerk": OWN, "observer": None},
}


@pytest.mark.parametrize("role", permissions.ROLES)
@pytest.mark.parametrize("read", sorted(EXPECTED))
def test_the_matrix_holds_the_expected_scopes(read, role):
    assert permissions.scope_for(role, read) == EXPECTED[read][role]
    own, other = 11, 12
    sees_own = permissions.may_see(role, own, read, [own, 99])
    sees_other = permissions.may_see(role, own, read, [other, 99])
    assert (sees_own, sees_other) == {ANY: (True, True), OWN: (True, False), None: (False, False)}[
        EXPECTED[read][role]]
    # Without an agency of its own, an own-scoped user sees no case at all.
    if EXPECTED[read][role] == OWN:
        assert not permissions.may_see(role, None, read, [own, other])
        with pytest.raises(permissions.NoRows):
            permissions.rows_for(role, None, read)


def test_every_page_needs_something_the_matrix_knows():
    for spec in PAGES:
        assert spec.needs, spec.path
        for need in spec.needs:
            permissions.scope_for("office", need)  # raises KeyError for an unknown name
    needed = {n for spec in PAGES for n in spec.needs}
    assert set(permissions.READS) <= needed, "a read scope that no page uses"
    for role in permissions.ROLES:
        home = next(s for s in PAGES if s.url_path == home_url_path(role))
        assert home.open_to(role), f"{role} lands on a page outside its menu"


# --------------------------------------------------------------------------- the walk


@pytest.fixture(scope="module")
def world(_city_url):
    """The sample city and, for the roles tied to an agency, the town with the most overdue
    acknowledgements (so that the overdue page has its own and others' cases to show)."""
    import os

    from data_access import db

    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = _city_url
    db.reset_engines()
    with read_session() as s:
        busiest = s.execute(
            select(Referral.to_agency_id).where(Referral.status == "sent")
            .group_by(Referral.to_agency_id).order_by(func.count().desc(), Referral.to_agency_id).limit(1)
        ).scalar_one()
        refs = {n: {a, b} for n, a, b in s.execute(
            select(Referral.number, Referral.from_agency_id, Referral.to_agency_id))}
        parties: dict[str, set[int]] = {}
        for number, agency in s.execute(
            select(Dispute.number, DisputeParty.agency_id).join(DisputeParty, DisputeParty.dispute_id == Dispute.id)
        ):
            parties.setdefault(number, set()).add(agency)
    yield {"agency": busiest, "concerns": {**refs, **parties}}
    if old is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = old
    db.reset_engines()


def _actor(role: str, agency: int) -> Actor:
    scoped = permissions.scope_for(role, "read.cases") == OWN
    return Actor(username=f"scope-{role}", role=role, agency_id=agency if scoped else None)


def _run(spec, actor: Actor, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / spec.path), default_timeout=120)
    at.session_state["actor"] = actor
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, (spec.path, actor.role, [e.message for e in at.exception])
    return at


def _case_numbers(at: AppTest) -> set[str]:
    found: set[str] = set()
    for df in at.dataframe:
        for column in CASE_COLUMNS:
            if column in df.value.columns:
                found |= {str(v) for v in df.value[column]}
    return found


@pytest.mark.parametrize("role", permissions.ROLES)
def test_every_page_obeys_the_read_scopes(world, role):
    actor = _actor(role, world["agency"])
    scope = permissions.scope_for(role, "read.cases")
    for spec in PAGES:
        at = _run(spec, actor)
        if not spec.open_to(role):
            refusals = [e.value for e in at.error] + [i.value for i in at.info]
            assert refusals, f"{spec.path} opened for {role} without a word"
            assert not at.dataframe, f"{spec.path} showed data to {role}"
            continue
        assert not [e.value for e in at.error if "无权" in e.value], (spec.path, role)
        if spec.needs in (("read.meetings",), ("read.reports",)):
            continue  # the meeting's own record, and the 通报 issued to every member
        numbers = _case_numbers(at)
        if scope is None:
            assert not numbers, f"{spec.path} showed {role} case rows: {sorted(numbers)[:5]}"
        elif scope == OWN:
            foreign = {n for n in numbers if actor.agency_id not in world["concerns"].get(n, set())}
            assert not foreign, f"{spec.path} showed {role} other agencies' cases: {sorted(foreign)[:5]}"


def test_a_head_choosing_another_agency_on_the_overdue_page_sees_its_figures_not_its_cases(world):
    """The bug of issue 14: the overdue page let a head pick any agency and list its cases
    with their titles and make its reminder. The figures stay; the cases do not."""
    spec = next(s for s in PAGES if s.url_path == "overdue")
    head = _actor("head", world["agency"])
    with read_session() as s:
        other = s.execute(
            select(Referral.to_agency_id).where(Referral.status == "sent", Referral.to_agency_id != head.agency_id)
            .group_by(Referral.to_agency_id).order_by(func.count().desc()).limit(1)
        ).scalar_one()
    at = _run(spec, head, {"_kept_flt_overdue_agency": other})
    assert at.selectbox(key="flt_overdue_agency").value == other
    assert int(next(m.value for m in at.metric if m.label == "超期件数").replace(",", "")) > 0
    assert not _case_numbers(at)
    assert not any("案件名称" in df.value.columns for df in at.dataframe)
    assert any("不对本单位显示" in c.value for c in at.caption)
    # The office choosing the same agency sees its cases.
    office = _run(spec, _actor("office", world["agency"]), {"_kept_flt_overdue_agency": other})
    assert _case_numbers(office) and all(other in world["concerns"][n] for n in _case_numbers(office))

"""The state machine: allowed moves, refusals with reasons, per-site outcomes, dates, versions, audit."""
from datetime import date

import pytest
import sqlalchemy as sa

from forum.audit.models import AuditEvent
from forum.errors import Conflict, PermissionDenied, ValidationError
from forum.extensions import db
from forum.pilots.models import Reason, Stage, Transition
from forum.pilots.services import add_champion, update_pilot
from forum.pilots.stages import move
from tests.factories import UserFactory
from tests.pilots.conftest import walk


@pytest.fixture
def team():
    return UserFactory(role="partnership", name_en="Grace Leung")


def test_a_pilot_moves_through_the_stages_and_its_sites_follow(team, make_pilot):
    pilot = make_pilot(team)
    assert pilot.stage == Stage.proposed and pilot.version == 1
    walk(team, pilot, "under_assessment", "approved", "running", "evaluated")
    assert pilot.stage == Stage.evaluated and pilot.version == 5
    assert {s.stage for s in pilot.sites} == {Stage.evaluated}
    assert pilot.actual_start is not None and all(s.started_on for s in pilot.sites)
    # 4 pilot moves, each with 3 sites following
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transition)
                             .where(Transition.pilot_id == pilot.id)) == 16


def test_an_illegal_move_lists_the_allowed_ones(team, make_pilot):
    pilot = make_pilot(team)
    with pytest.raises(ValidationError) as error:
        move(team, pilot, "running", read_version=pilot.version)
    assert error.value.field == "stage"
    assert "Allowed from here: Under assessment, Withdrawn" in error.value.message
    assert pilot.version == 1  # refused before the version was taken


def test_adoption_needs_an_evaluation(team, make_pilot):
    pilot = walk(team, make_pilot(team), "under_assessment", "approved", "running")
    with pytest.raises(ValidationError) as error:
        move(team, pilot, "adopted", read_version=pilot.version)
    assert error.value.field == "stage" and "evaluation" in error.value.message


def test_discontinuation_needs_a_reason_and_other_needs_words(team, make_pilot):
    pilot = walk(team, make_pilot(team), "under_assessment", "approved", "running")
    with pytest.raises(ValidationError) as error:
        move(team, pilot, "discontinued", read_version=pilot.version)
    assert error.value.field == "reason"
    with pytest.raises(ValidationError) as error:
        move(team, pilot, "discontinued", read_version=pilot.version, reason="other")
    assert error.value.field == "reason_detail"
    with pytest.raises(ValidationError) as error:
        move(team, pilot, "discontinued", read_version=pilot.version, reason="bored")
    assert error.value.field == "reason"
    move(team, pilot, "discontinued", read_version=pilot.version, reason="no_budget")
    assert pilot.stage == Stage.discontinued and pilot.reason == Reason.no_budget


def test_each_site_ends_its_own_way_and_the_pilot_settles(team, make_pilot):
    pilot = walk(team, make_pilot(team), "under_assessment", "approved", "running", "evaluated")
    a, b, c = pilot.sites
    move(team, pilot, "adopted", site_id=a.site_id, read_version=pilot.version, comment="Ward 7 keeps it")
    move(team, pilot, "extended", site_id=b.site_id, read_version=pilot.version)
    assert pilot.stage == Stage.evaluated  # one site still open
    move(team, pilot, "discontinued", site_id=c.site_id, read_version=pilot.version, reason="workflow_fit")
    assert [s.stage for s in pilot.sites] == [Stage.adopted, Stage.extended, Stage.discontinued]
    assert pilot.stage == Stage.adopted
    assert c.reason == Reason.workflow_fit and c.decided_on is not None


def test_unknown_site_is_refused_next_to_the_field(team, make_pilot):
    pilot = make_pilot(team, n_sites=1)
    with pytest.raises(ValidationError) as error:
        move(team, pilot, "withdrawn", site_id=999999, read_version=pilot.version)
    assert error.value.field == "site"
    from forum.pilots.services import create_pilot
    with pytest.raises(ValidationError) as error:
        create_pilot(team, {"company_id": pilot.company_id, "sites": [999999], "title": "x"})
    assert error.value.field == "sites"


def test_dates_out_of_order_are_refused(team, make_pilot):
    with pytest.raises(ValidationError) as error:
        make_pilot(team, planned_start="2024-03-01", planned_end="2024-02-01")
    assert error.value.field == "planned_end"
    pilot = walk(team, make_pilot(team), "under_assessment", "approved")
    move(team, pilot, "running", read_version=pilot.version, on=date(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        move(team, pilot, "evaluated", read_version=pilot.version, on=date(2024, 2, 1))
    assert error.value.field == "on"


def test_withdrawn_from_any_open_stage_and_closed_stays_closed(team, make_pilot):
    for stages in ([], ["under_assessment"], ["under_assessment", "approved", "running", "evaluated"]):
        pilot = walk(team, make_pilot(team), *stages, "withdrawn")
        assert pilot.stage == Stage.withdrawn and {s.stage for s in pilot.sites} == {Stage.withdrawn}
    with pytest.raises(ValidationError) as error:
        move(team, pilot, "proposed", read_version=pilot.version)
    assert "Allowed from here: none" in error.value.message


def test_a_stale_version_is_refused_with_who_and_when(team, make_pilot):
    pilot = make_pilot(team)
    other = UserFactory(role="organiser", name_en="Winnie Cheung")
    read = pilot.version
    move(other, pilot, "under_assessment", read_version=read)
    with pytest.raises(Conflict) as error:
        update_pilot(team, pilot, {"notes": "mine"}, read_version=read)
    assert "Changed by Winnie Cheung at" in error.value.message and "since you opened it" in error.value.message
    with pytest.raises(Conflict):
        add_champion(team, pilot, pilot.sites[0].id, "Dr A", read_version=read)


def test_only_editors_move_pilots(team, make_pilot):
    pilot = make_pilot(team)
    for role in ("exhibitor", "ha_staff", "scanner"):
        with pytest.raises(PermissionDenied):
            move(UserFactory(role=role), pilot, "under_assessment", read_version=pilot.version)


def test_every_field_edit_is_audited(team, make_pilot):
    pilot = make_pilot(team)
    update_pilot(team, pilot, {"budget": "HK$300k", "notes": "Trial on two wards"}, read_version=pilot.version)
    assert update_pilot(team, pilot, {"budget": "HK$300k"}, read_version=pilot.version) == {}
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "Pilot",
                                                            AuditEvent.object_id == pilot.id)
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["pilot.create", "pilot.update"]
    assert events[1].changes["budget"] == ["", "HK$300k"] and events[1].actor_id == team.id


def test_a_pilot_can_be_found_from_the_bookmark_or_meeting_it_came_from(team):
    from forum.pilots.queries import from_origin
    from forum.pilots.services import create_pilot
    from tests.factories import SolutionFactory
    from tests.pilots.conftest import sites

    solution = SolutionFactory()
    pilot = create_pilot(team, {"company_id": solution.company_id, "sites": [sites(1)[0].id], "title": "From a meeting"},
                         origin_kind="meeting", origin_ref=42)
    assert from_origin(team, "meeting", 42) == [pilot]
    assert from_origin(team, "bookmark", 42) == []
    assert from_origin(UserFactory(role="exhibitor"), "meeting", 42) == []  # still only what the user may see

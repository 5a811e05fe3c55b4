"""The matchmaking object rules, asked through can() as the meeting services ask them."""
from types import SimpleNamespace

import pytest

from forum.permissions import can
from tests.factories import CompanyFactory, UserFactory


def _meeting(proposer=None, participants=()):
    return SimpleNamespace(proposed_by_id=proposer.id if proposer else None,
                           participants=[SimpleNamespace(user_id=u.id) for u in participants])


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("organiser", True), ("partnership", True), ("proposer", True), ("participant", True),
    ("other ha staff", False), ("other exhibitor", False), ("scanner", False)])
def test_a_meeting_is_seen_by_its_people_the_partnership_team_and_organisers(who, allowed):
    proposer, participant = UserFactory(role="ha_staff"), UserFactory(role="exhibitor")
    meeting = _meeting(proposer, [participant])
    user = {"proposer": proposer, "participant": participant,
            "other ha staff": UserFactory(role="ha_staff"),
            "other exhibitor": UserFactory(role="exhibitor", company_id=CompanyFactory().id)}.get(who)
    user = user or UserFactory(role=who)
    assert can(user, "meeting.see", meeting) is allowed


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("organiser", True), ("participant", True), ("proposer only", False),
    ("partnership", False), ("other ha staff", False), ("scanner", False)])
def test_a_meeting_is_cancelled_or_moved_by_its_participants_and_organisers(who, allowed):
    proposer, participant = UserFactory(role="partnership"), UserFactory(role="ha_staff")
    meeting = _meeting(proposer, [participant])
    user = {"participant": participant, "proposer only": proposer,
            "other ha staff": UserFactory(role="ha_staff")}.get(who) or UserFactory(role=who)
    assert can(user, "meeting.change", meeting) is allowed


@pytest.mark.parametrize("who, allowed", [
    ("admin", True), ("organiser", True), ("partnership", True), ("ha_staff", True),
    ("own exhibitor", True), ("other exhibitor", False), ("scanner", False)])
def test_an_exhibitor_proposes_meetings_for_its_own_company_only(who, allowed):
    company = CompanyFactory()
    if who == "own exhibitor":
        user = UserFactory(role="exhibitor", company_id=company.id)
    elif who == "other exhibitor":
        user = UserFactory(role="exhibitor", company_id=CompanyFactory().id)
    else:
        user = UserFactory(role=who)
    assert can(user, "meeting.propose_for", company) is allowed


@pytest.mark.parametrize("role, allowed", [
    ("admin", True), ("organiser", True), ("scanner", True), ("ha_staff", False), ("exhibitor", False),
    ("partnership", False)])
def test_door_staff_record_anyone_at_a_networking_table(role, allowed):
    assert can(UserFactory(role=role), "networking.scan_any") is allowed


@pytest.mark.parametrize("role, unfiltered", [
    ("admin", True), ("organiser", True), ("partnership", True), ("ha_staff", True), ("scanner", True),
    ("exhibitor", False)])
def test_only_an_exhibitor_sees_a_meetings_ha_people_through_their_consent(role, unfiltered):
    assert can(UserFactory(role=role), "meeting.contacts_unfiltered") is unfiltered

"""Two people moving one pilot at once: exactly one wins; the other gets 409 and nothing is overwritten.

Real commits and separate connections (SQLite file or PostgreSQL with TEST_DATABASE_URL).
"""
import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from forum.accounts.tokens import issue_token
from forum.extensions import db
from forum.pilots.models import Pilot, Transition
from forum.pilots.services import create_pilot
from tests.factories import SolutionFactory, UserFactory
from tests.pilots.conftest import sites


@pytest.mark.committed
def test_concurrent_moves_of_one_pilot_have_one_winner(app, committed):
    users = [UserFactory(role="partnership", name_en=f"Editor {i}") for i in range(4)]
    tokens = [issue_token(u, "race") for u in users]
    solution = SolutionFactory()
    pilots = [create_pilot(users[0], {"company_id": solution.company_id, "sites": [s.id for s in sites(2)],
                                      "title": f"Race {n}"}) for n in range(5)]
    db.session.commit()
    ids = [p.id for p in pilots]
    # Each editor read version 1 and sends a different change from it.
    bodies = [{"version": 1, "stage": "under_assessment", "comment": "first"},
              {"version": 1, "stage": "withdrawn", "comment": "second"},
              {"version": 1, "notes": "third"},
              {"version": 1, "stage": "under_assessment", "budget": "fourth"}]
    results = {}
    barrier = threading.Barrier(len(tokens))

    def editor(i):
        client = app.test_client()
        for pid in ids:
            barrier.wait()
            response = client.patch(f"/api/v1/pilots/{pid}", json=bodies[i],
                                    headers={"Authorization": f"Bearer {tokens[i]}"})
            results[(pid, i)] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    db.session.rollback()
    for pid in ids:
        statuses = Counter(results[(pid, i)][0] for i in range(len(tokens)))
        assert statuses == {200: 1, 409: 3}, statuses
        winner = next(i for i in range(len(tokens)) if results[(pid, i)][0] == 200)
        loser_message = next(results[(pid, i)][1]["error"]["message"] for i in range(len(tokens)) if i != winner)
        assert f"Changed by Editor {winner} at" in loser_message
        pilot = db.session.get(Pilot, pid)
        moves = db.session.scalars(sa.select(Transition.comment).where(Transition.pilot_id == pid,
                                                                       Transition.pilot_site_id.is_(None))).all()
        # Only the winner's change is in the database.
        if winner == 2:
            assert pilot.notes == "third" and moves == [] and pilot.version == 2
        else:
            assert moves == [bodies[winner].get("comment", "")] and pilot.notes == ""
            assert pilot.version == (3 if winner == 3 else 2)

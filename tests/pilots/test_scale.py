"""Board, table, dashboard and API run the same number of queries at 20 and at 2,000 pilots."""
from forum.pilots.synthetic import add_pilots
from tests.factories import ForumFactory, SolutionFactory, ThemeFactory

PAGES = ["/pilots/", "/pilots/board", "/pilots/?stage=running&sort=company", "/pilots/dashboard/",
         "/pilots/dashboard/?forum={slug}", "/api/v1/pilots", "/api/v1/pilots/dashboard"]


def _counts(client, query_counter, slug) -> dict:
    out = {}
    for url in PAGES:
        url = url.format(slug=slug)
        with query_counter() as q:
            response = client.get(url)
        assert response.status_code == 200, url
        out[url.replace(slug, "{slug}")] = q.count
    return out


def test_queries_do_not_grow_from_20_to_2000_pilots(client, login_as, query_counter):
    login_as("partnership")
    forums = [ForumFactory() for _ in range(3)]
    solutions = [SolutionFactory(themes=[ThemeFactory()]) for _ in range(5)]
    load = {"forum_ids": [f.id for f in forums], "company_ids": [s.company_id for s in solutions],
            "solution_ids": [s.id for s in solutions]}
    add_pilots(20, **load)
    at_20 = _counts(client, query_counter, forums[0].slug)
    add_pilots(1980, **load, seed=8)
    at_2000 = _counts(client, query_counter, forums[0].slug)
    assert at_2000 == at_20, (at_20, at_2000)
    assert max(at_2000.values()) <= 20, at_2000

"""The partnership team proposes a pilot from the forum page, moves it (drag and drop, the keyboard form on
the card, the pilot page) to "adopted at one site, discontinued at another", sees the dashboard change and
reads every step with its author in the history; then the same pilot on a phone, in Chinese."""
import re

from tests.support.browser import login, shot

FORUM = "innovation-forum-2023-11"
SITE_A, SITE_B = "Queen Mary Hospital", "Tuen Mun Hospital"


def _funnel(page, server) -> dict:
    page.goto(server.url + f"/pilots/dashboard/?forum={FORUM}")
    rows = {}
    for row in page.locator("#funnel table tbody tr").all():
        cells = [c.inner_text().strip() for c in row.locator("th, td").all()]
        rows[cells[0]] = (cells[1], cells[2])
    reasons = {r.locator("th").inner_text(): int(r.locator("td").inner_text())
               for r in page.locator("#reasons table tbody tr").all()}
    return {"funnel": rows, "reasons": reasons}


def _option_value(page, select: str, label_start: str) -> str:
    return page.locator(f"{select} option").filter(has_text=re.compile("^" + re.escape(label_start))).first \
        .get_attribute("value")


def test_partnership_takes_a_pilot_to_adoption_and_discontinuation(live_server, page, chromium):
    login(page, live_server, "partnership@forum.example")
    before = _funnel(page, live_server)
    assert page.locator("svg.chart").count() == 8

    # From the forum page to a new pilot at two hospitals.
    page.goto(live_server.url + f"/forums/{FORUM}")
    page.click("a:has-text('Propose a pilot')")
    page.wait_for_load_state()
    page.select_option("select[name=company_id]", label="MediSight Imaging Limited")
    page.select_option("select[name=sites]", [_option_value(page, "select[name=sites]", SITE_A),
                                              _option_value(page, "select[name=sites]", SITE_B)])
    page.fill("input[name=title]", "Bedside vitals pilot")
    page.fill("input[name=sponsor_name]", "Dr Mandy Lo")
    page.click("form button.primary")
    page.wait_for_load_state()
    assert page.locator(".flash-success").inner_text() == "The pilot is proposed."
    pilot_url = page.url
    pilot_id = pilot_url.rstrip("/").rsplit("/", 1)[-1]

    # The board: drag the card to "Under assessment" ...
    page.goto(live_server.url + "/pilots/board")
    card = f"#card-{pilot_id}"
    with page.expect_navigation():
        page.drag_and_drop(card, "section[data-stage=under_assessment]", source_position={"x": 4, "y": 4})
    assert "is now Under assessment" in page.locator(".flash-success").inner_text()
    assert page.locator(f"section[data-stage=under_assessment] {card}").count() == 1
    # ... a drop on a column it may not go to is refused on the page, nothing sent.
    page.drag_and_drop(card, "section[data-stage=proposed]", source_position={"x": 4, "y": 4})
    assert page.locator("#board-message").inner_text() == "That move is not allowed from this stage."
    # ... and the keyboard way: the form on the card.
    page.focus(f"{card} select[name=stage]")
    page.select_option(f"{card} select[name=stage]", "approved")
    assert page.locator(f"{card} select[name=reason]").count() == 0  # not offered where it cannot apply
    page.focus(f"{card} select[name=stage]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Move"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(f"section[data-stage=approved] {card}").count() == 1
    shot(page, "pilots-board")

    # The pilot page: running, evaluated, then a decision per site.
    def move(stage, site=None, reason=None):
        page.goto(pilot_url)
        page.select_option("#move ~ form select[name=stage]", stage)
        if site:
            page.select_option("#move ~ form select[name=site]", label=site)
        if reason:
            page.select_option("#move ~ form select[name=reason]", reason)
        page.click("#move ~ form button[type=submit]")
        page.wait_for_load_state()

    move("running")
    move("evaluated")
    move("adopted", site=SITE_A)
    move("discontinued", site=SITE_B)  # no reason: refused next to the field
    assert page.locator("#reason-error").inner_text() == "Say why it was discontinued."
    move("discontinued", site=SITE_B, reason="evidence_gap")
    assert page.locator(".flash-success").inner_text() == "The stage is changed."
    text = page.locator("main").inner_text()
    assert page.locator(".page-head .badge").inner_text() == "Adopted"  # every site decided: adopted overall

    # Every step in the history, with its author.
    history = [li.inner_text() for li in page.locator("ol.timeline li").all()]
    expected = ["proposed the pilot at", "moved the pilot from Proposed to Under assessment",
                "moved the pilot from Under assessment to Approved", "moved the pilot from Approved to Running",
                "moved the pilot from Running to Evaluated", f"moved it at {SITE_A} from Evaluated to Adopted",
                f"moved it at {SITE_B} from Evaluated to Discontinued", "moved the pilot from Evaluated to Adopted"]
    for step in expected:
        entry = next((h for h in history if step in h), None)
        assert entry is not None, (step, history)
        assert "Grace Leung" in entry
    assert "Reason: Evidence gap." in text
    shot(page, "pilots-history")

    # The dashboard numbers moved.
    after = _funnel(page, live_server)
    shot(page, "pilots-dashboard")
    count = lambda d, step, i: int(d["funnel"][step][i])  # noqa: E731
    assert count(after, "Pilot proposed", 1) == count(before, "Pilot proposed", 1) + 2
    assert count(after, "Running (started)", 1) == count(before, "Running (started)", 1) + 2
    assert count(after, "Adopted", 1) == count(before, "Adopted", 1) + 1
    assert after["reasons"]["Evidence gap"] == before["reasons"]["Evidence gap"] + 1

    # On a phone, in Chinese: the same history, with the author's Chinese name.
    phone = chromium.new_context(viewport={"width": 375, "height": 800}, locale="zh-HK",
                                 extra_http_headers={"Accept-Language": "zh-HK,zh;q=0.9"})
    try:
        small = phone.new_page()
        login(small, live_server, "partnership@forum.example")
        small.goto(pilot_url)
        zh_history = small.locator("ol.timeline").inner_text()
        assert "梁嘉欣" in zh_history and "把試點由已提出移至評審中" in zh_history
        assert f"瑪麗醫院的試點由已評估移至已採用" in zh_history
        assert "原因：證據不足。" in zh_history
        assert small.evaluate("document.documentElement.scrollWidth") <= 375
        shot(small, "pilots-history-phone-zh")
        small.goto(live_server.url + "/pilots/board")
        assert small.evaluate("document.documentElement.scrollWidth") <= 375
        assert small.locator("h1").inner_text() == "流程看板"
    finally:
        phone.close()

"""The organiser drags a session on the agenda grid; the conflict warning appears without a reload.
The public agenda reads on a phone, in English and Chinese."""
from tests.support.browser import login, shot

FORUM = "innovation-forum-2026-12"


def test_drag_a_session_to_a_new_time_shows_the_conflict(live_server, page):
    login(page, live_server, "organiser@forum.example")
    page.goto(live_server.url + f"/forums/{FORUM}/agenda/edit")
    panel = page.locator("#agenda-conflicts")
    assert "No conflicts." in panel.inner_text()
    source = page.locator(".session.kind-panel")
    # The Demo theatre column at 09:10: the panel's moderator is then also on the main stage's opening.
    target = page.evaluate("""() => {
      const grid = document.getElementById('agenda-grid').getBoundingClientRect();
      const heads = [...document.querySelectorAll('.room-head')];
      const theatre = heads.find(h => h.textContent.includes('Demo theatre')).getBoundingClientRect();
      const steps = Number(document.getElementById('agenda-grid').dataset.steps);
      const row = (grid.bottom - heads[0].getBoundingClientRect().bottom) / steps;
      const panel = [...document.querySelectorAll('.session')].find(s => s.textContent.includes('Panel:'));
      const grab = Math.floor(panel.getBoundingClientRect().height / 2 / row);
      return {x: theatre.left + theatre.width / 2 - grid.left,
              y: heads[0].getBoundingClientRect().bottom - grid.top + (2 + grab + 0.5) * row};
    }""")
    source.drag_to(page.locator("#agenda-grid"), target_position=target)
    warning = panel.locator("li.conflict-speaker")
    warning.wait_for()
    assert "Director (Strategy and Planning), HA speaks in Opening and keynote and Panel: from demo to pilot" \
        in warning.inner_text()
    # dropped about 09:10 (the grab point decides the exact 5-minute row): inside the opening's 09:00-09:40
    assert source.locator(".when").inner_text().startswith("09:1") and "has-conflict" in source.get_attribute("class")
    shot(page, "agenda-editor-conflict")
    # The move was saved through the service: a reload shows the same warning.
    page.reload()
    assert page.locator("#agenda-conflicts li.conflict-speaker").count() == 1


def test_public_agenda_fits_a_phone_in_both_languages(live_server, chromium):
    for locale, words in (("en-GB", "Robotic drug dispensing"), ("zh-HK", "機械人配藥")):
        context = chromium.new_context(viewport={"width": 375, "height": 740}, locale=locale)
        page = context.new_page()
        page.goto(live_server.url + "/forums/innovation-forum-2023-11/agenda")
        assert words in page.inner_text("main") if page.locator("main").count() else words in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width
        shot(page, f"agenda-public-phone-{locale}")
        context.close()

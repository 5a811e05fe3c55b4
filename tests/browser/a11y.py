"""Accessibility checks for browser journeys: axe-core (vendored) and no horizontal scroll.

`check_page(page)` runs axe-core on the current page and fails on any serious or critical
violation, and fails when the page scrolls sideways at the current viewport width.
"""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def _load_axe(page) -> None:
    if page.evaluate("typeof window.axe") == "object":
        return
    # The pages forbid inline scripts (CSP); evaluating the source through the
    # DevTools protocol is not subject to the policy, a <script> tag would be.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")


def axe_violations(page) -> list[dict]:
    _load_axe(page)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""")
    return [v for v in result if v["impact"] in BLOCKING]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def check_page(page, where: str = "") -> None:
    where = where or page.url
    problems = axe_violations(page)
    assert not problems, f"axe on {where}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(
            f"{n['target']}: {n['summary']}" for n in v["nodes"]) for v in problems)
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at {page.viewport_size['width']}px"


def open_menu(page) -> None:
    """On a phone the menu sits behind its button; open it (a no-op on a wide screen)."""
    toggle = page.locator("button.nav-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def nav_click(page, name: str) -> None:
    """Follow a main-menu entry as a person would (opening the phone menu first)."""
    open_menu(page)
    page.locator("nav.nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def switch_to_chinese(page) -> None:
    """Through the menu's language button (already Chinese when the browser asked for it: nothing to do)."""
    if page.evaluate("document.documentElement.lang").startswith("zh"):
        return
    open_menu(page)
    page.click("button[name=locale][value=zh_Hant_HK]")
    page.wait_for_load_state()


def switch_to_english(page) -> None:
    """Accounts keep their language: a test that needs English after a Chinese one asks for it."""
    if page.evaluate("document.documentElement.lang") == "en":
        return
    open_menu(page)
    page.click("button[name=locale][value=en]")
    page.wait_for_load_state()


def overlapping(page, first: str, second: str) -> list[str]:
    """Texts of elements matching `second` whose box overlaps the first element matching `first`."""
    return page.evaluate("""([a, b]) => {
        const head = document.querySelector(a); if (!head) return [];
        const r = head.getBoundingClientRect();
        return Array.from(document.querySelectorAll(b)).filter(e => {
            const q = e.getBoundingClientRect();
            return q.width && q.height && q.left < r.right && q.right > r.left && q.top < r.bottom && q.bottom > r.top;
        }).map(e => e.textContent.trim());
    }""", [first, second])

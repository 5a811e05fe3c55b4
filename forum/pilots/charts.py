"""Server-side SVG charts with the number beside every bar (the page also has the table behind each)."""
from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

LABEL_W, BAR_W, NUM_W, ROW_H = 250, 240, 110, 24
LABEL_UNITS = 38  # about 6.5 px a unit at 12 px; a Chinese character takes two
FONT = 'font-family="Noto Sans CJK TC, Noto Sans TC, sans-serif" font-size="12"'


def _fit(label: str) -> str:
    """The label shortened with an ellipsis to fit left of the bars (the table beside has it whole)."""
    used, out = 0, []
    for char in label:
        used += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used > LABEL_UNITS:
            return "".join(out).rstrip() + "…"
        out.append(char)
    return label


def _frame(title: str, rows: int, body: list[str]) -> Markup:
    height = rows * ROW_H + 8
    width = LABEL_W + BAR_W + NUM_W
    return Markup(f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                  f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" {FONT}>'
                  f'<title>{escape(title)}</title>{"".join(body)}</svg>')


def bar_chart(rows: list[tuple[str, float | None]], *, title: str, suffix: str = "") -> Markup:
    """Horizontal bars, one per (label, value); the value is written beside each bar."""
    top = max([v for _l, v in rows if v] or [1])
    body = []
    for i, (label, value) in enumerate(rows):
        y = i * ROW_H + 4
        length = 0 if not value else max(2, round(BAR_W * value / top))
        shown = "—" if value is None else (f"{value:g}{suffix}")
        body.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(_fit(label))}</text>'
                    f'<rect x="{LABEL_W}" y="{y + 3}" width="{length}" height="{ROW_H - 8}" fill="#0b6e4f"/>'
                    f'<text x="{LABEL_W + length + 6}" y="{y + 15}">{escape(shown)}</text>')
    return _frame(title, len(rows), body)


def spread_chart(rows: list[tuple[str, object]], *, title: str, unit: str) -> Markup:
    """For each label a line from the shortest to the longest, a box for the middle half and the median."""
    top = max([s.high for _l, s in rows if s.n] or [1]) or 1
    scale = BAR_W / top
    body = []
    for i, (label, s) in enumerate(rows):
        y = i * ROW_H + 4
        mid = y + ROW_H // 2
        body.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(_fit(label))}</text>')
        if not s.n:
            body.append(f'<text x="{LABEL_W}" y="{y + 15}">—</text>')
            continue
        x = lambda v: LABEL_W + round(v * scale)  # noqa: E731
        body.append(f'<line x1="{x(s.low)}" x2="{x(s.high)}" y1="{mid}" y2="{mid}" stroke="#777"/>'
                    f'<rect x="{x(s.q1)}" y="{y + 5}" width="{max(2, x(s.q3) - x(s.q1))}" height="{ROW_H - 10}" '
                    f'fill="#9fd3bf" stroke="#0b6e4f"/>'
                    f'<line x1="{x(s.median)}" x2="{x(s.median)}" y1="{y + 3}" y2="{y + ROW_H - 3}" '
                    f'stroke="#0b3d2e" stroke-width="3"/>'
                    f'<text x="{LABEL_W + BAR_W + 6}" y="{y + 15}">{s.median:g} {escape(unit)} (n={s.n})</text>')
    return _frame(title, len(rows), body)


def chart_set(fig) -> dict[str, Markup]:
    """Every dashboard chart, labelled in the current language."""
    from flask_babel import gettext as _

    from ..i18n import is_chinese
    from .models import Reason, Stage
    from .stages import REASON_LABELS, STAGE_LABELS

    zh = is_chinese()
    pick = (lambda r, f: r.get(f"{f}_zh") or r.get(f"{f}_en")) if zh else (lambda r, f: r.get(f"{f}_en") or r.get(f"{f}_zh"))
    return {
        "funnel": bar_chart([(str(s["label"]), s["companies"]) for s in fig.funnel], title=_("Funnel (companies)")),
        "funnel_sites": bar_chart([(str(s["label"]), s["pilot_sites"]) for s in fig.funnel if s["pilot_sites"] is not None],
                                  title=_("Funnel (pilot-sites)")),
        "stage_days": spread_chart([(str(STAGE_LABELS[Stage(k)]), v) for k, v in fig.stage_days.items()],
                                   title=_("Days in each stage"), unit=_("days")),
        "reasons": bar_chart([(str(REASON_LABELS[Reason(k)]), v) for k, v in fig.reasons.items()],
                             title=_("Discontinuation reasons")),
        "by_cluster": bar_chart([((f'{c["cluster"]} {pick(c, "name")}' if c["cluster"] != "-" else _("No cluster")),
                                  c["pilot_sites"])
                                 for c in fig.by_cluster], title=_("Pilot-sites by cluster")),
        "by_site": bar_chart([(pick(s, "name"), s["pilot_sites"]) for s in fig.by_site], title=_("Pilot-sites by site")),
        "by_theme": bar_chart([(pick(t, "name"), t["pilots"]) for t in fig.by_theme], title=_("Pilots by theme")),
        "by_forum": bar_chart([(pick(f, "title"), None if f["conversion"] is None else round(100 * f["conversion"]))
                               for f in fig.by_forum], title=_("Exhibitors who went on to a pilot, by forum"),
                              suffix="%"),
    }

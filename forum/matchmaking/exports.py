"""A person's bookmarks as CSV (the app's export writer, with its formula guard) and as a bilingual PDF."""
from __future__ import annotations


from ..exhibitors.exports import to_csv
from ..pdf import render_pdf
from . import bookmarks
from .forms import INTEREST_CHOICES

INTEREST_LABELS = dict(INTEREST_CHOICES)
INTEREST_ZH = {"curious": "有興趣", "follow_up": "希望跟進", "pilot": "希望試行"}
CSV_COLUMNS = ["forum", "booth", "exhibitor_en", "exhibitor_zh", "solution_en", "solution_zh", "interest", "note",
               "candidate_site_en", "candidate_site_zh", "bookmarked_at"]


def _rows(actor):
    rows = bookmarks.my_bookmarks(actor)
    return rows, bookmarks.booth_codes_for(rows)


def bookmarks_csv(actor) -> bytes:
    rows, booths = _rows(actor)
    return to_csv(CSV_COLUMNS, [[
        b.forum.slug, booths.get((b.forum_id, b.company_id), ""), b.company.name_en, b.company.name_zh,
        b.solution.title_en if b.solution else "", b.solution.title_zh if b.solution else "", b.interest.value,
        b.note, b.site.name_en if b.site else "", b.site.name_zh if b.site else "", b.created_at.isoformat()]
        for b in rows])


def bookmarks_pdf(actor) -> bytes:
    rows, booths = _rows(actor)
    return render_pdf("matchmaking/bookmarks_pdf.html", rows=rows, booths=booths, user=actor,
                      interest_en={k: str(v) for k, v in INTEREST_LABELS.items()}, interest_zh=INTEREST_ZH)



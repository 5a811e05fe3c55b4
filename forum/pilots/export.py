"""The dashboard's figures as CSV and XLSX tables, one table per figure, and the report PDF."""
from __future__ import annotations

import csv
import io

from flask_babel import force_locale

from .dashboard import Figures


def tables(fig: Figures) -> dict[str, list[list]]:
    data = fig.as_json()
    out: dict[str, list[list]] = {}
    out["funnel"] = [["step", "companies", "pilot_sites"]] + [[s["step"], s["companies"], s["pilot_sites"]]
                                                              for s in data["funnel"]]
    out["days_in_stage"] = [["stage", "n", "median", "q1", "q3", "min", "max"]] + [
        [k, v["n"], v["median"], v["q1"], v["q3"], v["min"], v["max"]] for k, v in data["days_in_stage"].items()]
    out["adoption"] = [["measure", "value"]] + [[k, v] for k, v in data["adoption"].items()]
    d = data["days_from_start_to_decision"]
    out["days_from_start_to_decision"] = [["n", "median", "q1", "q3", "min", "max"],
                                          [d["n"], d["median"], d["q1"], d["q3"], d["min"], d["max"]]]
    out["discontinuation_reasons"] = [["reason", "pilot_sites"]] + [[k, v] for k, v in data["discontinuation_reasons"].items()]
    out["follow_up_answers"] = [["answer", "owners", "meeting_participants"]] + [
        [k, v, data["meeting_follow_up_answers"].get(k, 0)] for k, v in data["follow_up_answers"].items()]
    for name in ("by_cluster", "by_site", "by_theme", "by_forum"):
        rows = data[name]
        header = list(rows[0].keys()) if rows else []
        out[name] = [header] + [[r[h] for h in header] for r in rows]
    return out


def to_csv(fig: Figures) -> str:
    """All tables in one CSV file, each headed by its name and followed by a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for name, rows in tables(fig).items():
        writer.writerow([f"# {name}"])
        writer.writerows(rows)
        writer.writerow([])
    return buffer.getvalue()


def to_xlsx(fig: Figures) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables(fig).items():
        sheet = book.create_sheet(name[:31])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_pdf(fig: Figures, locale: str, progress=None) -> bytes:
    """The pilot report for management, in English or Chinese, with the charts in it."""
    from ..pdf import render_pdf
    from .charts import chart_set

    with force_locale(locale):
        return render_pdf("pilots/report_pdf.html", progress=progress, fig=fig, charts=chart_set(fig), locale=locale)

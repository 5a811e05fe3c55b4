"""Invitation lists as HA sends them: the words of their headers and what makes a row the header.

Reading the file itself (encodings, workbooks, size limits) is forum/tabular.py's job.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..tabular import SpreadsheetError, Table, Vocabulary, find_table, read_grids

# field -> header spellings (compared after _header_key folding)
HEADERS = {
    "name_en": ["name_en", "name", "english name", "name (english)", "name in english", "full name",
                "english full name", "英文姓名", "英文名", "英文名稱", "姓名(英文)", "姓名英文"],
    "name_zh": ["name_zh", "chinese name", "name (chinese)", "name in chinese", "中文姓名", "中文名",
                "中文名稱", "姓名(中文)", "姓名中文"],
    "email": ["email", "e-mail", "email address", "e-mail address", "mail", "電郵", "電郵地址", "電子郵件",
              "電子郵箱", "電子郵件地址"],
    "title": ["title", "rank", "rank/title", "title/rank", "rank / title", "job title", "position", "post",
              "designation", "職位", "職銜", "職級", "職稱", "職級/職銜", "職銜/職級", "職級或職銜"],
    "department": ["department", "dept", "unit", "department/unit", "部門", "部門/單位", "單位", "科室"],
    "site": ["hospital", "hospital/office", "hospital or ha office", "hospital / ha office", "site",
             "institution", "office", "workplace", "organisation", "organization", "hospital/institution",
             "醫院", "醫院/辦事處", "醫院或辦事處", "工作地點", "機構", "所屬醫院", "醫院或醫管局辦事處",
             "醫院/醫管局辦事處"],
    "cluster": ["cluster", "hospital cluster", "聯網", "醫院聯網"],
}
FIELDS = tuple(HEADERS)
VOCABULARY = Vocabulary(HEADERS)

__all__ = ["FIELDS", "HEADERS", "SpreadsheetError", "Table", "read_table"]


def _is_header(columns: dict[str, int], duplicates: list[str], line: int) -> bool:
    """The header names an email column and one more we know; titles or notes above it are passed over."""
    if "email" not in columns or len(columns) < 2:
        return False
    if duplicates:
        raise SpreadsheetError(_l("Two columns mean the same thing (%(headers)s): keep one.",
                                  headers=", ".join(duplicates)), line)
    if "name_en" not in columns and "name_zh" not in columns:
        raise SpreadsheetError(_l("There is no name column: add \"Name (English)\" or \"Name (Chinese)\"."), line)
    return True


def read_table(content: bytes, filename: str = "") -> Table:
    grids, notes = read_grids(content, filename)
    return find_table(grids, VOCABULARY, _is_header, notes=notes, not_found=lambda first: _l(
        "No header row found: the list needs columns for the email and the name (first row read: %(row)s).",
        row=first))

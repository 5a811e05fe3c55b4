"""Reading invitation lists as HA sends them: CSV (any common encoding) or XLSX.

Gives back numbered rows of text cells and the column each known field is in.
Everything it refuses it refuses with a sentence a person can act on.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ..text import clean, normalise

MAX_BYTES = 20 * 1024 * 1024

# field -> header spellings (compared after _header_key folding)
HEADERS = {
    "name_en": ["name_en", "name", "english name", "name (english)", "name in english", "full name",
                "english full name", "英文姓名", "英文名", "英文名稱", "姓名(英文)", "姓名英文"],
    "name_zh": ["name_zh", "chinese name", "name (chinese)", "name in chinese", "中文姓名", "中文名",
                "中文名稱", "姓名(中文)", "姓名中文"],
    "email": ["email", "e-mail", "email address", "e-mail address", "mail", "電郵", "電郵地址", "電子郵件",
              "電子郵箱", "電子郵件地址"],
    "title": ["title", "rank", "rank/title", "title/rank", "rank / title", "job title", "position", "post",
              "designation", "職位", "職銜", "職級", "職稱"],
    "department": ["department", "dept", "unit", "department/unit", "部門", "部門/單位", "單位", "科室"],
    "site": ["hospital", "hospital/office", "hospital or ha office", "hospital / ha office", "site",
             "institution", "office", "workplace", "organisation", "organization", "hospital/institution",
             "醫院", "醫院/辦事處", "醫院或辦事處", "工作地點", "機構", "所屬醫院"],
    "cluster": ["cluster", "hospital cluster", "聯網", "醫院聯網"],
}
FIELDS = tuple(HEADERS)


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-./()（）:：*#]+", "", normalise(text))


_HEADER_LOOKUP = {_header_key(spelling): field for field, spellings in HEADERS.items() for spelling in spellings}


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; `line` is 0 for the file, else the row at fault."""

    def __init__(self, message, line: int = 0):
        self.message = str(message)
        self.line = line
        super().__init__(self.message)


@dataclass
class Table:
    rows: list[tuple[int, list[str]]]  # (line number as the spreadsheet shows it, cells)
    columns: dict[str, int]  # field -> column index
    header_line: int
    ignored: list[str]  # headers not understood (their columns are not read)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.isoformat()
    # Copied from web pages and mail, cells often carry zero-width spaces and stray BOMs.
    return clean(_INVISIBLE.sub("", str(value)))


_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    for encoding in ("utf-8-sig", "big5hkscs"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_l("The file is not readable text: save it as \"CSV UTF-8\" or as an Excel workbook (.xlsx)."))


def _csv_rows(content: bytes) -> list[list[str]]:
    text = _decode(content)
    if "\x00" in text:
        raise SpreadsheetError(_l("This is not a spreadsheet: upload a CSV or Excel (.xlsx) file."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[_cell_text(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise SpreadsheetError(_l("The CSV file is malformed: %(why)s", why=str(error)))


def _xlsx_sheets(content: bytes) -> list[list[list[str]]]:
    """Every non-empty sheet as a grid of text, the active sheet first."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise SpreadsheetError(_l("The file is not an Excel workbook (.xlsx) that can be read: %(why)s",
                                  why=type(error).__name__))
    sheets = [ws for ws in workbook.worksheets if ws.max_row > 1 or ws.max_column > 1 or ws.cell(1, 1).value]
    if not sheets:
        raise SpreadsheetError(_l("The workbook is empty."))
    if workbook.active in sheets:
        sheets.remove(workbook.active)
        sheets.insert(0, workbook.active)
    return [_sheet_grid(sheet) for sheet in sheets]


def _sheet_grid(sheet) -> list[list[str]]:
    grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    blank = {r for r, row in enumerate(grid) if not any(row)}
    # A merged cell holds its value in its top-left cell only; every cell it covers means that value.
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(grid) else ""
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, merged.max_col):
                while len(grid[r]) <= c:
                    grid[r].append("")
                grid[r][c] = value
    # A row left blank stays blank, even where a merged cell runs across it.
    return [[] if r in blank else row for r, row in enumerate(grid)]


def sniff_kind(content: bytes, filename: str = "") -> str:
    """'xlsx' or 'csv', or a SpreadsheetError saying what the file is instead."""
    name = (filename or "").lower()
    head = content[:8]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(_l("This is an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV and upload again."))
    if head.startswith(b"%PDF"):
        raise SpreadsheetError(_l("This is a PDF, not a spreadsheet: upload a CSV or Excel (.xlsx) file."))
    if name.endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError(_l("The file is called .xlsx but is not an Excel workbook."))
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError(_l("This is not a spreadsheet: upload a CSV or Excel (.xlsx) file."))
    return "csv"


def read_table(content: bytes, filename: str = "") -> Table:
    if not content or not content.strip():
        raise SpreadsheetError(_l("The file is empty."))
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(_l("The file is larger than 20 MB."))
    kind = sniff_kind(content, filename)
    grids = _xlsx_sheets(content) if kind == "xlsx" else [_csv_rows(content)]
    first_error = None
    for grid in grids:  # the list may sit on another sheet than the first (instructions, a cover page)
        try:
            return _table(grid)
        except SpreadsheetError as error:
            first_error = first_error or error
    raise first_error


def _table(grid: list[list[str]]) -> Table:
    numbered = [(i, row) for i, row in enumerate(grid, start=1) if any(row)]
    if not numbered:
        raise SpreadsheetError(_l("The file has no rows."))
    # The header is the first row (of the first ten) that names an email column and one more we know;
    # titles or notes above it (often merged across the sheet) are passed over.
    for position, (line, row) in enumerate(numbered[:10]):
        columns: dict[str, int] = {}
        duplicates = []
        for index, header in enumerate(row):
            field = _HEADER_LOOKUP.get(_header_key(header)) if header else None
            if field is None:
                continue
            if field in columns:
                duplicates.append(header)
            else:
                columns[field] = index
        if "email" in columns and len(columns) >= 2:
            if duplicates:
                raise SpreadsheetError(_l("Two columns mean the same thing (%(headers)s): keep one.",
                                          headers=", ".join(duplicates)), line)
            if "name_en" not in columns and "name_zh" not in columns:
                raise SpreadsheetError(_l("There is no name column: add \"Name (English)\" or \"Name (Chinese)\"."), line)
            ignored = [h for i, h in enumerate(row) if h and i not in columns.values()]
            return Table(rows=numbered[position + 1:], columns=columns, header_line=line, ignored=ignored)
    first = numbered[0][1]
    raise SpreadsheetError(_l(
        "No header row found: the list needs columns for the email and the name (first row read: %(row)s).",
        row=" | ".join(c for c in first if c)[:200] or "-"), numbered[0][0])

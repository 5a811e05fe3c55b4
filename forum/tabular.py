"""Reading and writing CSV and XLSX: the one place every import and export in the app goes through.

Reading is tolerant of what people send (any common encoding, title rows, merged cells, headers in
both languages) and guarded against what attackers send: sizes, rows, columns and the unpacked size
of a workbook are capped before anything is parsed, and every refusal is a sentence a person can
act on (SpreadsheetError). Writing guards against formula injection: no cell text becomes a live
formula in a spreadsheet program.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable

from flask_babel import lazy_gettext as _l

from .text import clean, normalise

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_SHEETS = 20
MAX_UNPACKED = 100 * 1024 * 1024  # all the parts of a workbook together, once decompressed
MAX_MERGED = 2_000


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
    notes: list[str] = field(default_factory=list)  # things the reader had to assume (e.g. Big5)


# --- headers ------------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Brackets NFKC leaves alone; full-width ones like （）／： are folded by NFKC itself.
_BRACKETS = str.maketrans({c: " " for c in "【】「」『』〔〕〖〗《》〈〉、“”‘’"})
# After NFKC: spaces (the full-width space too), brackets, colons, slashes, dashes, dots and marks people
# type around a header ("電郵：", "姓名（英文）", "職級／職銜", "聯絡人・電郵", "備註。") say nothing about the field.
_PUNCTUATION = re.compile(r"[\s_\-./()\[\]{}:;|*#,~'\"?!·‧・。—–‐‑]+")


def header_key(text: str) -> str:
    return _PUNCTUATION.sub("", normalise((text or "").translate(_BRACKETS)))


def _language_parts(text: str) -> list[str]:
    """The Chinese and the other-language halves of a header like "姓名 Name" or "Rank (職級)"."""
    folded = normalise((text or "").translate(_BRACKETS))
    chinese = "".join(_CJK.findall(folded))
    other = _CJK.sub(" ", folded)
    return [key for key in (header_key(chinese), header_key(other)) if key] if chinese else []


class Vocabulary:
    """The spellings of each field's header; knows headers that carry both languages at once."""

    def __init__(self, spellings: dict[str, list[str]]):
        self.lookup = {header_key(s): name for name, options in spellings.items() for s in options}

    def field_of(self, header: str) -> str | None:
        whole = self.lookup.get(header_key(header))
        if whole or not header:
            return whole
        found = {self.lookup[key] for key in _language_parts(header) if key in self.lookup}
        return found.pop() if len(found) == 1 else None  # the two halves disagree: do not guess


def find_table(grids: list[list[list[str]]], vocabulary: Vocabulary,
               accept: Callable[[dict[str, int], list[str], int], bool], *, search_rows: int = 10,
               notes: list[str] | None = None,
               not_found: Callable[[list[str]], str] | None = None) -> Table:
    """The first grid with a header row among its first `search_rows` non-blank rows.

    `accept(columns, duplicates, line)` says whether a row is the header; it may raise
    SpreadsheetError to refuse a header that is almost right.
    """
    first_error = None
    for grid in grids:  # the list may sit on another sheet than the first (instructions, a cover page)
        numbered = [(i, row) for i, row in enumerate(grid, start=1) if any(row)]
        try:
            if not numbered:
                raise SpreadsheetError(_l("The file has no rows."))
            for position, (line, row) in enumerate(numbered[:search_rows]):
                columns: dict[str, int] = {}
                duplicates = []
                for index, header in enumerate(row):
                    name = vocabulary.field_of(header) if header else None
                    if name is None:
                        continue
                    if name in columns:
                        duplicates.append(header)
                    else:
                        columns[name] = index
                if accept(columns, duplicates, line):
                    ignored = [h for i, h in enumerate(row) if h and i not in columns.values()]
                    return Table(rows=numbered[position + 1:], columns=columns, header_line=line, ignored=ignored,
                                 notes=list(notes or []))
            first = " | ".join(c for c in numbered[0][1] if c)[:200] or "-"
            raise SpreadsheetError(not_found(first) if not_found else _l("No header row found."), numbered[0][0])
        except SpreadsheetError as error:
            first_error = first_error or error
    raise first_error


# --- reading --------------------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.isoformat()
    # Copied from web pages and mail, cells often carry zero-width spaces and stray BOMs.
    return clean(_INVISIBLE.sub("", str(value)))


_UNREADABLE = _l("The file is not readable text: save it as \"CSV UTF-8\" or as an Excel workbook (.xlsx).")


def decode(content: bytes) -> tuple[str, list[str]]:
    """The text of a CSV file and notes about what was assumed; SpreadsheetError if it is no text."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), []
        except UnicodeDecodeError:  # cut short (odd length) or a broken surrogate
            raise SpreadsheetError(_UNREADABLE)
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("big5hkscs")
    except UnicodeDecodeError:
        raise SpreadsheetError(_UNREADABLE)
    return text, [str(_l("The file is not UTF-8: it was read as Big5 (Traditional Chinese). Check that the "
                         "names look right, or save the file as \"CSV UTF-8\"."))]


def _too_many_rows() -> SpreadsheetError:
    return SpreadsheetError(_l("The file has more than %(n)d rows: split it into smaller files.", n=MAX_ROWS))


def _too_many_columns() -> SpreadsheetError:
    return SpreadsheetError(_l("The file has more than %(n)d columns: keep only the columns of the list "
                               "(and delete stray cells far to the right).", n=MAX_COLUMNS))


def _csv_grid(content: bytes, notes: list[str]) -> list[list[str]]:
    text, found = decode(content)
    notes.extend(found)
    if "\x00" in text:
        raise SpreadsheetError(_l("This is not a spreadsheet: upload a CSV or Excel (.xlsx) file."))
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    grid = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            if len(grid) >= MAX_ROWS:
                raise _too_many_rows()
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns()
            grid.append([cell_text(c) for c in row])
    except csv.Error as error:
        raise SpreadsheetError(_l("The CSV file is malformed: %(why)s", why=str(error)))
    return grid


def _not_a_workbook(error: Exception) -> SpreadsheetError:
    return SpreadsheetError(_l("The file is not an Excel workbook (.xlsx) that can be read: %(why)s",
                               why=type(error).__name__))


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})\"")


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each merged range; read-only sheets do not list them."""
    from openpyxl.utils import column_index_from_string

    try:
        xml = archive.read(path.lstrip("/"))
    except KeyError:
        return []
    ranges = []
    for match in _MERGE.finditer(xml):
        c1, r1, c2, r2 = match.groups()
        ranges.append((int(r1), column_index_from_string(c1.decode()), int(r2), column_index_from_string(c2.decode())))
        if len(ranges) >= MAX_MERGED:
            break
    return ranges


def _sheet_grid(sheet, archive: zipfile.ZipFile) -> list[list[str]]:
    # The sheet's own <dimension> is checked first: one far-off cell would otherwise make every
    # row be padded out to it. The reads below are capped too, in case the dimension is missing.
    if (sheet.max_row or 0) > MAX_ROWS:
        raise SpreadsheetError(_l("The sheet \"%(sheet)s\" reaches row %(row)d; at most %(n)d rows can be read: "
                                  "delete the stray cells below the list.", sheet=sheet.title, row=sheet.max_row,
                                  n=MAX_ROWS))
    if (sheet.max_column or 0) > MAX_COLUMNS:
        raise _too_many_columns()
    width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    grid = []
    for values in sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=width, values_only=True):
        if len(grid) >= MAX_ROWS:
            if any(v is not None for v in values):
                raise _too_many_rows()
            break
        row = [cell_text(v) for v in values]
        while row and not row[-1]:
            row.pop()
        grid.append(row)
    blank = {r for r, row in enumerate(grid) if not any(row)}
    # A merged cell holds its value in its top-left cell only; every cell it covers means that value.
    for min_row, min_col, max_row, max_col in _merged_ranges(archive, sheet._worksheet_path):
        if min_row - 1 >= len(grid) or min_col > width:
            continue
        top = grid[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else ""
        for r in range(min_row - 1, min(max_row, len(grid))):
            for c in range(min_col - 1, min(max_col, width)):
                while len(grid[r]) <= c:
                    grid[r].append("")
                grid[r][c] = value
    # A row left blank stays blank, even where a merged cell runs across it.
    return [[] if r in blank else row for r, row in enumerate(grid)]


def _xlsx_grids(content: bytes) -> list[list[list[str]]]:
    """Every non-empty sheet as a grid of text, the active sheet first."""
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _not_a_workbook(error)
    # Sizes as the archive declares them; zipfile never unpacks more than an entry declares.
    if len(parts) > 10_000 or sum(p.file_size for p in parts) > MAX_UNPACKED:
        raise SpreadsheetError(_l("The workbook is larger than %(n)d MB once unpacked: split it into smaller files.",
                                  n=MAX_UNPACKED // (1024 * 1024)))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError) as error:
        raise _not_a_workbook(error)
    try:
        sheets = list(workbook.worksheets)
        if len(sheets) > MAX_SHEETS:
            raise SpreadsheetError(_l("The workbook has more than %(n)d sheets.", n=MAX_SHEETS))
        active = workbook.active
        if active in sheets:
            sheets.remove(active)
            sheets.insert(0, active)
        grids = []
        for sheet in sheets:
            if not hasattr(sheet, "_worksheet_path"):  # a chart sheet
                continue
            try:
                grid = _sheet_grid(sheet, archive)
            except (KeyError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile) as error:
                raise _not_a_workbook(error)
            if any(grid):
                grids.append(grid)
    finally:
        workbook.close()
    if not grids:
        raise SpreadsheetError(_l("The workbook is empty."))
    return grids


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


def read_grids(content: bytes, filename: str = "") -> tuple[list[list[list[str]]], list[str]]:
    """The file's sheets (one for a CSV) as grids of text cells, and notes about what was assumed."""
    if not content or not content.strip():
        raise SpreadsheetError(_l("The file is empty."))
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(_l("The file is larger than 20 MB."))
    notes: list[str] = []
    if sniff_kind(content, filename) == "xlsx":
        return _xlsx_grids(content), notes
    return [_csv_grid(content, notes)], notes


# --- writing --------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A CSV cell that no spreadsheet program will run: text starting like a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[list]) -> bytes:
    """Rows (the first is the header) as CSV with a BOM, so that Excel reads the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[list], title: str) -> bytes:
    """Rows (the first is the header) as one sheet. Every text cell is written as text, so a name
    starting with = + - @ is shown as typed and is never a formula."""
    return xlsx_book_bytes([(title, rows)])


def xlsx_book_bytes(sheets: Iterable[tuple[str, Iterable[list]]]) -> bytes:
    """Several sheets (title, rows) in one workbook, each written like xlsx_bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31] or "sheet")
        sheet.freeze_panes = "A2"
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet)
                    cell._value, cell.data_type = ILLEGAL_CHARACTERS_RE.sub("", value), "s"  # never "f"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""forum/tabular.py: every import reads through one guarded reader, every export writes through one guarded writer."""
import csv
import io
import threading
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from forum import tabular
from forum.attendees.spreadsheet import read_table
from forum.tabular import SpreadsheetError

DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+41-1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def _xlsx(rows, fill=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if fill:
        fill(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- writing ------------------------------------------------------------------------------------------

def test_xlsx_cells_that_look_like_formulas_stay_text():
    content = tabular.xlsx_bytes([["name", "note"], *[[v, 3] for v in DANGEROUS]], title="people")
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * len(DANGEROUS)
    # The text is kept exactly, a lone CR too (openpyxl writes it as &#13; with lxml).
    assert [c.value for c in cells] == DANGEROUS
    assert sheet.cell(2, 2).value == 3 and sheet.cell(2, 2).data_type == "n"
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")


def test_csv_cells_that_look_like_formulas_are_quoted():
    rows = list(csv.reader(io.StringIO(tabular.csv_bytes([["name"], *[[v] for v in DANGEROUS], [-5]])
                                       .decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:-1]] == ["'" + v for v in DANGEROUS]
    assert rows[-1] == ["-5"]  # a number is a number


def _people(forum):
    from tests.factories import AttendeeFactory

    return AttendeeFactory(forum=forum, name_en=DANGEROUS[0], department="+1-2", title="@cmd", organisation="-x")


def test_attendee_exports_carry_no_live_formula(client, login_as):
    from tests.factories import ForumFactory

    login_as("organiser")
    forum = ForumFactory()
    _people(forum)
    sheet = load_workbook(io.BytesIO(client.get(f"/forums/{forum.slug}/attendees/export.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2])}
    for column, text in (("name_en", DANGEROUS[0]), ("department", "+1-2"), ("title", "@cmd"), ("organisation", "-x")):
        assert row[column].data_type == "s" and row[column].value == text, column
    rows = list(csv.DictReader(io.StringIO(client.get(f"/forums/{forum.slug}/attendees/export.csv")
                                           .data.decode("utf-8-sig"))))
    assert rows[0]["name_en"] == "'" + DANGEROUS[0] and rows[0]["department"] == "'+1-2"


# --- hostile files ------------------------------------------------------------------------------------

def _finishes_within(seconds, fn):
    outcome = {}

    def run():
        try:
            outcome["value"] = fn()
        except Exception as error:  # noqa: BLE001  (handed to the test)
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still parsing after {seconds} s"
    return outcome, time.monotonic() - started


def test_a_small_workbook_with_one_far_off_cell_is_refused_at_once():
    content = _xlsx([["Name", "Email"], ["A", "a@ha.example.org.hk"]],
                    fill=lambda sheet: sheet.cell(1048576, 16384, "far away"))
    assert len(content) < 10_000
    outcome, seconds = _finishes_within(5, lambda: read_table(content, "list.xlsx"))
    assert isinstance(outcome.get("error"), SpreadsheetError), outcome
    assert "rows" in outcome["error"].message and seconds < 5


def test_too_many_columns_are_refused():
    content = _xlsx([["Name", "Email"] + [f"c{i}" for i in range(tabular.MAX_COLUMNS)]])
    with pytest.raises(SpreadsheetError, match="columns"):
        read_table(content, "list.xlsx")


def test_too_many_csv_rows_are_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 50)
    content = ("Name,Email\n" + "".join(f"P{i},p{i}@ha.example.org.hk\n" for i in range(51))).encode()
    with pytest.raises(SpreadsheetError, match="50"):
        read_table(content, "list.csv")


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b" " * (tabular.MAX_UNPACKED + 1) + b"</x>")
    assert len(buffer.getvalue()) < 1_000_000
    outcome, _seconds = _finishes_within(5, lambda: read_table(buffer.getvalue(), "list.xlsx"))
    assert isinstance(outcome.get("error"), SpreadsheetError) and "unpacked" in outcome["error"].message


@pytest.mark.parametrize("content", [
    b"\xff\xfe" + "Name,Email\n".encode("utf-16-le")[:-1],  # a BOM, then an odd number of bytes
    b"\xfe\xff\x00N\x00",
    b"\xff\xfe\x00\xd8\x41\x00",  # a lone surrogate
])
def test_a_damaged_utf16_file_is_refused_with_a_sentence(content):
    with pytest.raises(SpreadsheetError, match="CSV UTF-8"):
        read_table(content, "list.csv")


def test_a_damaged_utf16_upload_is_a_message_not_a_500(client, login_as):
    from tests.factories import ForumFactory

    login_as("organiser")
    forum = ForumFactory()
    data = {"file": (io.BytesIO(b"\xff\xfeN\x00a\x00m"), "list.csv")}
    response = client.post(f"/forums/{forum.slug}/attendees/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "CSV UTF-8" in response.get_data(as_text=True)


def test_a_big5_file_is_read_and_the_reader_says_so():
    content = "Name,Email\n陳大文,chan@ha.example.org.hk\n".encode("big5hkscs")
    table = read_table(content, "list.csv")
    assert table.rows[0][1][0] == "陳大文"
    assert any("Big5" in note for note in table.notes)
    assert read_table(b"Name,Email\nA,a@ha.example.org.hk\n").notes == []


# --- headers in both languages ---------------------------------------------------------------------

@pytest.mark.parametrize("header,field", [
    ("姓名 Name", "name_en"), ("Name/姓名", "name_en"), ("Name／姓名", "name_en"),
    ("電郵\nEmail", "email"), ("Email 電郵", "email"), ("電郵（Email）", "email"), ("電郵 [E-mail]", "email"),
    ("職級 (Rank)", "title"), ("Rank (職級)", "title"), ("中文姓名 Chinese Name", "name_zh"),
    ("English Name 英文姓名", "name_en"), ("醫院/Hospital", "site"), ("【聯網】Cluster", "cluster"),
    ("部門 Department", "department"), ("Ｅｍａｉｌ", "email"), ("電郵：", "email"),
    # Full-width punctuation and spaces read as their half-width equivalents.
    ("姓名（英文）", "name_en"), ("姓名﹙中文﹚", "name_zh"), ("電郵\u3000地址", "email"), ("『電郵』", "email"),
    ("電郵。", "email"), ("部門・單位", "department"), ("職級／職銜：", "title"), ("“Email”", "email"),
    ("醫院，", "site"), ("聯網 —", "cluster"),
])
def test_headers_in_both_languages_are_recognised(header, field):
    other = "Remarks" if field in ("name_en", "name_zh") else "Name"
    table = read_table(_xlsx([[header, other, "Email" if field != "email" else "Hospital"],
                              ["x", "y", "z@ha.example.org.hk"]]), "list.xlsx")
    assert table.columns.get(field) == 0


def test_a_header_whose_two_languages_disagree_is_not_guessed():
    vocabulary = tabular.Vocabulary({"a": ["email"], "b": ["電話"]})
    assert vocabulary.field_of("電話 Email") is None
    assert vocabulary.field_of("電話 Phone") == "b"


def test_the_import_preview_says_when_big5_was_assumed(client, login_as):
    from tests.factories import ForumFactory

    login_as("organiser")
    forum = ForumFactory()
    content = "Name,Email,Hospital\n陳大文,chan@ha.example.org.hk,Queen Mary Hospital\n".encode("big5hkscs")
    data = {"file": (io.BytesIO(content), "list.csv")}
    html = client.post(f"/forums/{forum.slug}/attendees/import", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "read as Big5" in html

"""Invitation lists as HA sends them: every bad-input case is imported correctly or refused precisely."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from forum.attendees.importer import apply_import, plan_import
from forum.attendees.models import Attendee, AttendeeStatus
from forum.audit.models import AuditEvent
from forum.extensions import db

HEADER = ["Name (English)", "Name (Chinese)", "Email", "Rank/Title", "Department", "Hospital", "Cluster"]
ROWS = [
    ["CHAN Tai Man", "陳大文", "chan.tm@ha.example.org.hk", "Chief Manager", "Nursing", "Queen Mary Hospital", "HKW"],
    ["Dr WONG Ka Yan", "黃嘉欣醫生", "wong.ky@ha.example.org.hk", "Consultant", "Medicine", "PYNEH", "HKE"],
    ["LEE Siu Ming", "李小明", "lee.sm@ha.example.org.hk", "Senior Manager", "IT", "伊利沙伯醫院", "九龍中"],
]


def _csv(rows, header=HEADER, bom=False, sep=","):
    text = "\n".join(sep.join(f'"{c}"' if "," in c else c for c in row) for row in [header, *rows]) + "\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def _xlsx(rows, header=HEADER, before=(), merges=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in before:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for rng in merges:
        sheet.merge_cells(rng)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attendees(forum):
    return db.session.scalars(sa.select(Attendee).where(Attendee.forum_id == forum.id).order_by(Attendee.id)).all()


def _import(organiser, forum, content, name="list.csv", only_valid=False):
    plan = plan_import(organiser, forum, content, name)
    apply_import(organiser, forum, plan, only_valid=only_valid)
    return plan


def test_a_good_csv_creates_invited_attendees_matched_to_sites(organiser, forum):
    plan = _import(organiser, forum, _csv(ROWS))
    assert plan.ok and plan.created == 3 and plan.applied
    people = {a.email: a for a in _attendees(forum)}
    chan = people["chan.tm@ha.example.org.hk"]
    assert chan.name_zh == "陳大文" and chan.title == "Chief Manager" and chan.status == AttendeeStatus.invited
    assert chan.site.name_en == "Queen Mary Hospital"
    assert people["wong.ky@ha.example.org.hk"].site.name_en == "Pamela Youde Nethersole Eastern Hospital"
    assert people["lee.sm@ha.example.org.hk"].site.name_en == "Queen Elizabeth Hospital"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "attendee.import")) is not None


def test_reimporting_the_same_file_changes_nothing(organiser, forum):
    _import(organiser, forum, _csv(ROWS))
    before = [(a.id, a.updated_at, a.name_en, a.site_id) for a in _attendees(forum)]
    plan = _import(organiser, forum, _csv(ROWS))
    assert (plan.created, plan.updated, plan.skipped) == (0, 0, 3)
    assert [(a.id, a.updated_at, a.name_en, a.site_id) for a in _attendees(forum)] == before


def test_a_changed_row_is_an_update_and_keeps_answers(organiser, forum):
    _import(organiser, forum, _csv(ROWS))
    chan = _attendees(forum)[0]
    chan.status = AttendeeStatus.registered
    db.session.flush()
    changed = [list(r) for r in ROWS]
    changed[0][3] = "Senior Manager"
    plan = _import(organiser, forum, _csv(changed))
    assert (plan.created, plan.updated, plan.skipped) == (0, 1, 2)
    assert plan.rows[0].changes == {"title": ["Chief Manager", "Senior Manager"]}
    db.session.refresh(chan)
    assert chan.title == "Senior Manager" and chan.status == AttendeeStatus.registered


def test_bom_csv_trailing_spaces_and_other_column_order(organiser, forum):
    header = ["  Email ", "Hospital", "Name (English)  ", "Cluster", "Name (Chinese)", "Rank/Title", "Department"]
    rows = [[" chan.tm@ha.example.org.hk  ", "Queen Mary Hospital   ", "CHAN Tai Man   ", "HKW ", "陳大文 ",
             "Chief Manager ", "Nursing "]]
    plan = _import(organiser, forum, _csv(rows, header=header, bom=True))
    assert plan.ok, plan.errors
    chan = _attendees(forum)[0]
    assert (chan.email, chan.name_en, chan.name_zh, chan.title) == (
        "chan.tm@ha.example.org.hk", "CHAN Tai Man", "陳大文", "Chief Manager")


def test_semicolon_separated_and_big5_csv(organiser, forum):
    content = _csv(ROWS[:1], sep=";").decode("utf-8").encode("big5hkscs")
    plan = _import(organiser, forum, content)
    assert plan.ok, plan.errors
    assert _attendees(forum)[0].name_zh == "陳大文"


def test_chinese_headers(organiser, forum):
    header = ["英文姓名", "中文姓名", "電郵", "職位", "部門", "醫院", "聯網"]
    plan = _import(organiser, forum, _xlsx(ROWS, header=header), "名單.xlsx")
    assert plan.ok, plan.errors
    assert plan.created == 3


def test_the_chinese_headers_the_import_page_lists_are_accepted(organiser, forum):
    # The page names the columns 職級／職銜 and 醫院或醫管局辦事處 (full-width slash): those headers work.
    header = ["英文姓名", "中文姓名", "電郵", "職級／職銜", "部門", "醫院或醫管局辦事處", "聯網"]
    plan = _import(organiser, forum, _xlsx(ROWS, header=header), "名單.xlsx")
    assert plan.ok, plan.errors
    assert plan.created == 3



def test_headers_written_with_full_width_punctuation_and_spaces(organiser, forum):
    # Typed on a Chinese keyboard: full-width colons, brackets, slashes, spaces, middle dots and full stops.
    header = ["姓名（英文）：", "中文姓名\u3000", "電郵：", "職級／職銜", "「部門」", "醫院　或　醫管局辦事處。", "聯網："]
    plan = _import(organiser, forum, _xlsx(ROWS, header=header), "名單.xlsx")
    assert plan.ok, plan.errors
    assert plan.created == 3 and _attendees(forum)[0].title == "Chief Manager"
    csv_plan = _import(organiser, forum, _csv(ROWS, header=["Ｎａｍｅ（Ｅｎｇｌｉｓｈ）", "姓名（中文）", "電郵地址：",
                                                         "Rank／Title", "部門・單位", "Hospital", "Cluster"]))
    assert csv_plan.ok, csv_plan.errors
    assert csv_plan.created == 0 and csv_plan.skipped == 3

def test_head_office_is_a_known_site():
    from forum.sites.services import find_site

    for written in ("Head Office", "HA Head Office", "head office", "總辦事處", "醫管局總辦事處"):
        assert find_site(written).name_en == "Hospital Authority Head Office", written


def test_xlsx_with_title_row_merged_cells_and_blank_rows(organiser, forum):
    rows = [
        ["CHAN Tai Man", "陳大文", "chan.tm@ha.example.org.hk", "Chief Manager", "Nursing", "Queen Mary Hospital", "HKW"],
        [None] * 7,
        ["LAU Mei Ling", "劉美玲", "lau.ml@ha.example.org.hk", "Manager", "Nursing", None, None],
        [None] * 7,
        ["HO Wai Man", "何偉文", "ho.wm@ha.example.org.hk", "Consultant", "Surgery", "Tuen Mun Hospital", "NTW"],
    ]
    # A merged title across the top, and hospital + cluster merged down over the blank row and LAU's row.
    content = _xlsx(rows, before=[["HA invitation list 2026"] + [None] * 6], merges=["A1:G1", "F3:F5", "G3:G5"])
    plan = _import(organiser, forum, content, "list.xlsx")
    assert plan.ok, plan.errors
    people = {a.email: a for a in _attendees(forum)}
    assert len(people) == 3
    assert people["lau.ml@ha.example.org.hk"].site.name_en == "Queen Mary Hospital"
    assert people["ho.wm@ha.example.org.hk"].site.name_en == "Tuen Mun Hospital"


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(organiser, forum):
    rows = [
        ROWS[0],                                                                    # line 2: good
        ["NO Email", "無電郵", "", "Manager", "", "Queen Mary Hospital", ""],          # 3: missing email
        ["BAD Email", "", "not-an-email", "Manager", "", "Queen Mary Hospital", ""],   # 4: not an email
        ["LOST", "", "lost@ha.example.org.hk", "", "", "Atlantis General Hospital", ""],  # 5: unknown hospital
        ["DUP", "", "  CHAN.TM@HA.example.org.hk ", "", "", "QMH", ""],                # 6: duplicate (case/spaces)
        ["DUP2", "", "ｃｈａｎ．ｔｍ＠ｈａ．ｅｘａｍｐｌｅ．ｏｒｇ．ｈｋ".replace("．", "."), "", "", "QMH", ""],  # 7: full-width
        ["", "", "noname@ha.example.org.hk", "", "", "QMH", ""],                      # 8: no name
        ["WRONG Cluster", "", "wc@ha.example.org.hk", "", "", "Queen Mary Hospital", "KE"],  # 9
        ["NO Site", "", "nosite@ha.example.org.hk", "", "", "", ""],                  # 10
        ["BAD Cluster", "", "bc@ha.example.org.hk", "", "", "QMH", "Mars"],           # 11
    ]
    plan = plan_import(organiser, forum, _csv(rows), "list.csv")
    errors = dict(plan.errors)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "missing email" in errors[3]
    assert "not an email" in errors[4]
    assert "unknown hospital" in errors[5] and "Atlantis" in errors[5]
    assert "same email as line 2" in errors[6] and "same email as line 2" in errors[7]
    assert "missing name" in errors[8]
    assert "not in the KE cluster" in errors[9]
    assert "missing hospital" in errors[10]
    assert "unknown cluster" in errors[11]
    apply_import(organiser, forum, plan)
    assert not plan.applied and _attendees(forum) == []


def test_import_only_the_valid_rows_when_the_organiser_chooses(organiser, forum):
    rows = [ROWS[0], ["LOST", "", "lost@ha.example.org.hk", "", "", "Atlantis", ""], ROWS[1]]
    plan = _import(organiser, forum, _csv(rows), only_valid=True)
    assert plan.applied and len(plan.errors) == 1
    assert [a.email for a in _attendees(forum)] == ["chan.tm@ha.example.org.hk", "wong.ky@ha.example.org.hk"]


@pytest.mark.parametrize("content,name,expected", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "photo.png", "not a spreadsheet"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "list.pdf", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "list.xls", ".xls"),
    (b"PK\x03\x04" + b"garbage" * 20, "list.xlsx", "not an Excel workbook"),
    (b"Name,Email\n", "list.xlsx", "called .xlsx"),
    (b"", "empty.csv", "empty"),
    (b"hello world\nthis is a letter, not a list\n", "letter.txt", "No header row"),
    (b"Name,Phone\nCHAN,1234\n", "list.csv", "No header row"),
    (b"Email,Hospital\na@b.example,QMH\n", "list.csv", "no name column"),
    (b"Email,E-mail,Name\na@b.example,a@b.example,A\n", "list.csv", "Two columns"),
])
def test_files_that_are_not_invitation_lists_are_refused_cleanly(organiser, forum, content, name, expected):
    plan = plan_import(organiser, forum, content, name)
    assert len(plan.errors) == 1 and plan.rows == []
    assert expected in plan.errors[0][1]


def test_a_docx_is_refused(organiser, forum):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    plan = plan_import(organiser, forum, buffer.getvalue(), "letter.docx")
    assert plan.errors and "not an Excel workbook" in plan.errors[0][1]


def test_wrong_role_cannot_import(forum):
    from forum.errors import PermissionDenied
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        plan_import(UserFactory(role="ha_staff"), forum, _csv(ROWS))


def test_cli_import_dry_run_then_import(app, forum, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(_csv(ROWS))
    db.session.commit()  # the command rolls back its own work; keep the forum
    runner = app.test_cli_runner()
    result = runner.invoke(args=["attendees", "import", forum.slug, str(path), "--dry-run"])
    assert result.exit_code == 0 and "would import: 3 new" in result.output
    assert _attendees(forum) == []
    result = runner.invoke(args=["attendees", "import", str(forum.id), str(path)])
    assert result.exit_code == 0 and "imported: 3 new" in result.output, (result.output, result.stderr if hasattr(result, "stderr") else "")
    assert len(_attendees(forum)) == 3


def test_cli_import_reports_bad_rows_and_commits_nothing(app, forum, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(_csv([ROWS[0], ["LOST", "", "lost@ha.example.org.hk", "", "", "Atlantis", ""]]))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["attendees", "import", forum.slug, str(path)])
    assert result.exit_code != 0
    assert "line 3: unknown hospital" in result.output and "nothing imported" in result.output
    assert _attendees(forum) == []


def test_web_upload_previews_then_imports(client, login_as, forum):
    login_as("organiser")
    response = client.post(f"/forums/{forum.slug}/attendees/import",
                           data={"file": (io.BytesIO(_csv(ROWS)), "list.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "3 to create" in html and _attendees(forum) == []
    import re

    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(f"/forums/{forum.slug}/attendees/import/confirm", data={"upload": upload})
    assert response.status_code == 302
    assert len(_attendees(forum)) == 3


def test_web_upload_with_bad_rows_needs_the_only_valid_choice(client, login_as, forum):
    import re

    login_as("organiser")
    content = _csv([ROWS[0], ["LOST", "", "lost@ha.example.org.hk", "", "", "Atlantis", ""]])
    html = client.post(f"/forums/{forum.slug}/attendees/import", data={"file": (io.BytesIO(content), "l.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Line 3" in html and "Atlantis" in html and "Import only the valid rows" in html
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    html = client.post(f"/forums/{forum.slug}/attendees/import/confirm", data={"upload": upload}).get_data(as_text=True)
    assert "Nothing was imported" in html and _attendees(forum) == []
    response = client.post(f"/forums/{forum.slug}/attendees/import/confirm", data={"upload": upload, "only_valid": "y"})
    assert response.status_code == 302
    assert [a.email for a in _attendees(forum)] == ["chan.tm@ha.example.org.hk"]


def test_confirm_refuses_a_forged_upload_name(client, login_as, forum):
    login_as("organiser")
    response = client.post(f"/forums/{forum.slug}/attendees/import/confirm", data={"upload": "../../etc/passwd"})
    assert response.status_code == 302 and _attendees(forum) == []


def test_ten_thousand_rows_import_quickly(organiser, forum):
    import time

    from forum.sites.models import Site

    names = [s.name_en for s in db.session.scalars(sa.select(Site).where(Site.kind == "hospital"))]
    rows = [[f"PERSON {i}", f"人{i}", f"p{i}@ha.example.org.hk", "Manager", "Nursing", names[i % len(names)], ""]
            for i in range(10000)]
    content = _csv(rows)
    started = time.perf_counter()
    plan = _import(organiser, forum, content)
    elapsed = time.perf_counter() - started
    assert plan.created == 10000
    assert elapsed < 30, elapsed


def test_xlsx_with_instructions_on_the_first_sheet(organiser, forum):
    workbook = Workbook()
    workbook.active.title = "Instructions"
    workbook.active.append(["Please fill in the list on the next sheet."])
    sheet = workbook.create_sheet("List")
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = _import(organiser, forum, buffer.getvalue(), "list.xlsx")
    assert plan.ok and plan.created == 3


def test_xlsx_errors_name_the_row_excel_shows(organiser, forum):
    rows = [ROWS[0], [None] * 7, ["LOST", "", "lost\u200b@ha.example.org.hk", "", "", "Atlantis", ""]]
    content = _xlsx(rows, before=[["HA invitation list"], [None]])
    plan = plan_import(organiser, forum, content, "list.xlsx")
    # Title on row 1, blank row 2, header row 3, CHAN row 4, blank row 5, LOST row 6.
    assert [line for line, _m in plan.errors] == [6]
    assert "Atlantis" in plan.errors[0][1] and "email" not in plan.errors[0][1]

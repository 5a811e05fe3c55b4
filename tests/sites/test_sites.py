import io

import pytest
import sqlalchemy as sa

from forum.errors import Conflict
from forum.extensions import db
from forum.sites import services
from forum.sites.models import Site
from tests.factories import UserFactory

GOOD_CSV = """cluster_code,name_en,name_zh,kind,source
KC,Central Kowloon Health Centre,九龍中醫務衞生大樓,clinic,test
NTE,Shatin Clinic,沙田診所,clinic,test
"""


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Site.id)))


def test_find_site_tolerates_spellings_and_chinese():
    assert services.find_site("queen mary hospital").name_en == "Queen Mary Hospital"
    assert services.find_site("  QUEEN  MARY   HOSPITAL ").name_en == "Queen Mary Hospital"
    assert services.find_site("Ｑｕｅｅｎ Ｍａｒｙ Ｈｏｓｐｉｔａｌ").name_en == "Queen Mary Hospital"
    assert services.find_site("瑪麗醫院").name_en == "Queen Mary Hospital"
    assert services.find_site("St John Hospital").name_zh == "長洲醫院"
    assert services.find_site("Nowhere Hospital") is None


def test_import_adds_good_rows_and_is_idempotent():
    admin = UserFactory(role="organiser")
    before = _count()
    report = services.import_sites(admin, GOOD_CSV.encode("utf-8-sig"))
    assert report.ok and len(report.created) == 2
    assert _count() == before + 2
    again = services.import_sites(admin, GOOD_CSV.encode())
    assert again.ok and again.created == [] and len(again.unchanged) == 2
    assert _count() == before + 2


def test_import_reports_every_bad_row_and_writes_nothing():
    admin = UserFactory(role="organiser")
    before = _count()
    csv = GOOD_CSV + ("XX,Mystery Clinic,謎診所,clinic,\n"        # line 4: unknown cluster
                      ",,無名,clinic,\n"                           # line 5: no English name
                      "KC,Robot Lab,機械人實驗室,spaceship,\n"     # line 6: unknown kind
                      "NTE,shatin  clinic,沙田診所,clinic,\n")     # line 7: duplicate of line 3
    report = services.import_sites(admin, csv.encode())
    assert [line for line, _message in report.errors] == [4, 5, 6, 7]
    assert "XX" in report.errors[0][1] and "line 3" in report.errors[3][1]
    assert _count() == before


def test_import_refuses_a_file_that_is_not_csv_text():
    report = services.import_sites(UserFactory(role="organiser"), b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    assert not report.ok and report.errors[0][0] == 1


def test_import_page_lists_errors_by_line(client, login_as):
    login_as("organiser")
    data = {"file": (io.BytesIO(b"name_en,kind\nA Clinic,castle\n"), "sites.csv")}
    text = client.post("/sites/import", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Line 2" in text and "Nothing was imported" in text


def test_organiser_adds_and_edits_a_clinic(client, login_as):
    login_as("organiser")
    response = client.post("/sites/new", data={"name_en": "Tseung Kwan O Jockey Club GOPC",
                                                "name_zh": "將軍澳賽馬會普通科門診診所", "kind": "clinic",
                                                "cluster_code": "KE"})
    assert response.status_code == 302
    site = db.session.scalar(sa.select(Site).where(Site.name_en == "Tseung Kwan O Jockey Club GOPC"))
    assert site.cluster.code == "KE"
    response = client.post(f"/sites/{site.id}/edit", data={"name_en": site.name_en, "name_zh": site.name_zh,
                                                            "kind": "clinic", "cluster_code": "KE", "active": ""})
    assert response.status_code == 302
    db.session.refresh(site)
    assert site.active is False


def test_duplicate_site_names_are_refused():
    with pytest.raises(Conflict):
        services.create_site(UserFactory(role="admin"), {"name_en": "queen mary  hospital", "kind": "hospital"})


def test_sites_page_shows_both_names(client, login_as):
    login_as("partnership")
    text = client.get("/sites/?cluster=HKW").get_data(as_text=True)
    assert "Queen Mary Hospital" in text and "瑪麗醫院" in text
    assert "Prince of Wales" not in text


def test_import_reads_an_excel_workbook_through_the_shared_reader():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["聯網 Cluster code", "Name (English)", "中文名稱", "Kind", "Source"])
    sheet.append(["KC", "Kowloon Test Clinic", "九龍測試診所", "clinic", "test"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    admin = UserFactory(role="organiser")
    report = services.import_sites(admin, buffer.getvalue(), filename="sites.xlsx")
    assert report.ok, report.errors
    assert report.created == ["Kowloon Test Clinic"]
    assert services.find_site("九龍測試診所").cluster.code == "KC"



def test_import_reads_headers_written_with_full_width_punctuation():
    content = ("聯網代號：,名稱（英文）,中文名稱\u3000,類別：,「來源」\n"
               "KC,Kowloon Full Width Clinic,九龍全形診所,clinic,test\n")
    report = services.import_sites(UserFactory(role="organiser"), content.encode("utf-8"))
    assert report.ok, report.errors
    assert report.created == ["Kowloon Full Width Clinic"]
    assert services.find_site("九龍全形診所").cluster.code == "KC"

def test_import_refuses_a_hostile_workbook_with_a_sentence():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["name_en", "kind"])
    workbook.active.cell(1048576, 16384, "far away")
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.import_sites(UserFactory(role="organiser"), buffer.getvalue(), filename="sites.xlsx")
    assert not report.ok and "rows" in report.errors[0][1]

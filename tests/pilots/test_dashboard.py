"""The outcome dashboard: figures from the transition log, charts with numbers, exports and the report PDF."""
import io
from datetime import date, datetime, timedelta, timezone

import openpyxl
import sqlalchemy as sa

from forum.extensions import db
from forum.pilots import dashboard
from forum.pilots.dashboard import figures
from forum.pilots.models import Transition
from tests.factories import ForumFactory, UserFactory
from tests.support.documents import pdf_text
from tests.pilots.conftest import walk


def _story(make_pilot):
    team = UserFactory(role="partnership")
    forum = ForumFactory()
    pilot = walk(team, make_pilot(team, forum=forum), "under_assessment", "approved")
    walk(team, pilot, "running", on=date(2024, 1, 1))
    walk(team, pilot, "evaluated", on=date(2024, 4, 1))
    a, b, c = pilot.sites
    walk(team, pilot, "adopted", site_id=a.site_id, on=date(2024, 5, 1))
    walk(team, pilot, "discontinued", site_id=b.site_id, reason="evidence_gap", on=date(2024, 6, 1))
    return team, forum, pilot


def test_figures_follow_the_pilots(make_pilot):
    team, forum, pilot = _story(make_pilot)
    fig = figures(team, forum)
    funnel = {s["step"]: (s["companies"], s["pilot_sites"]) for s in fig.funnel}
    assert funnel == {"exhibitors": (0, None), "proposed": (1, 3), "running": (1, 3), "adopted": (1, 1)}
    assert fig.adoption == {"pilot_sites": 3, "decided": 2, "adopted": 1, "extended": 0, "discontinued": 1,
                            "rate": 0.5}
    assert fig.decision_days.n == 2 and fig.decision_days.median == (121 + 152) / 2
    assert fig.reasons["evidence_gap"] == 1 and sum(fig.reasons.values()) == 1
    walk(team, pilot, "adopted", site_id=pilot.sites[2].site_id, on=date(2024, 6, 2))
    assert figures(team, forum).adoption["rate"] == round(2 / 3, 3)


def test_time_in_stage_comes_from_the_transition_log(make_pilot):
    team = UserFactory(role="partnership")
    forum = ForumFactory()
    pilots = [make_pilot(team, forum=forum) for _ in range(3)]
    for days, pilot in zip((10, 20, 40), pilots):
        walk(team, pilot, "under_assessment")
        pilot.created_at = datetime(2024, 1, 1, tzinfo=timezone.utc)
        db.session.execute(sa.update(Transition).where(Transition.pilot_id == pilot.id)
                           .values(at=datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(days=days)))
    spread = figures(team, forum).stage_days["proposed"]
    assert (spread.n, spread.median, spread.low, spread.high) == (3, 20.0, 10.0, 40.0)


def test_funnel_steps_from_other_features_appear_only_with_data(make_pilot, monkeypatch):
    team, forum, _pilot = _story(make_pilot)
    monkeypatch.setattr(dashboard, "_FUNNEL_SOURCES", {})
    dashboard.funnel_source("met", "Met", 1, lambda forum_id: None)
    assert [s["step"] for s in figures(team, forum).funnel] == ["exhibitors", "proposed", "running", "adopted"]
    dashboard.funnel_source("met", "Met", 1, lambda forum_id: 7)
    assert [s["step"] for s in figures(team, forum).funnel][:2] == ["exhibitors", "met"]


def test_page_charts_and_tables_show_the_same_numbers(client, login_as, make_pilot):
    _team, forum, _pilot = _story(make_pilot)
    login_as("partnership")
    text = client.get(f"/pilots/dashboard/?forum={forum.slug}").get_data(as_text=True)
    assert text.count("<svg") == 8 and 'role="img"' in text
    assert "50% adopted: 1 of 2 pilot-sites with a decision" in text
    assert "<script" not in text.split("</header>", 1)[1].split("<footer", 1)[0]
    zh = client.get(f"/pilots/dashboard/?forum={forum.slug}", headers={"Accept-Language": "zh-HK"})
    assert login_as  # signed-in user's locale is None: Accept-Language decides
    assert "證據不足" in zh.get_data(as_text=True)


def test_csv_and_xlsx_exports(client, login_as, make_pilot):
    _team, forum, _pilot = _story(make_pilot)
    login_as("organiser")
    csv_text = client.get(f"/pilots/dashboard/export.csv?forum={forum.slug}").get_data(as_text=True)
    assert "# funnel" in csv_text and "adopted,1,1" in csv_text and "evidence_gap,1" in csv_text
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/pilots/dashboard/export.xlsx?forum={forum.slug}").data))
    assert "discontinuation_reasons" in book.sheetnames
    rows = {r[0]: r[1] for r in book["adoption"].iter_rows(values_only=True)}
    assert rows["adopted"] == 1 and rows["rate"] == 0.5


def test_report_pdf_in_chinese_and_english_has_its_charts(client, login_as, make_pilot):
    _team, forum, _pilot = _story(make_pilot)
    login_as("partnership")

    def report(lang: str):
        """The dashboard's button queues the report job (run at once in tests); its page links the file."""
        started = client.post("/pilots/dashboard/report", data={"lang": lang, "forum": forum.slug})
        assert started.status_code == 302 and "/jobs/" in started.location
        assert f"pilot-report-{forum.slug}-{lang}.pdf" in client.get(started.location).get_data(as_text=True)
        return client.get(started.location + "/result")

    zh = report("zh")
    assert zh.status_code == 200 and zh.data.startswith(b"%PDF")
    text = pdf_text(zh.data)
    assert "試點報告" in text and forum.title_zh in text
    assert text.count("證據不足") >= 2  # the reasons chart and its table
    en = pdf_text(report("en").data)
    assert "Pilot report" in en and en.count("Evidence gap") >= 2
    assert client.post("/pilots/dashboard/report", data={"lang": "fr"}).status_code == 400


def test_chart_labels_fit_beside_the_bars():
    from forum.pilots.charts import _fit, bar_chart

    assert _fit("Queen Mary Hospital") == "Queen Mary Hospital"
    long = _fit("The Duchess of Kent Children's Hospital at Sandy Bay")
    assert long.endswith("…") and len(long) <= 39
    assert _fit("東區尤德夫人那打素醫院東區尤德夫人那打素醫院") == "東區尤德夫人那打素醫院東區尤德夫人那打…"  # 19 wide characters
    svg = bar_chart([("A & B", 3), ("C", None)], title="T <x>")
    assert "A &amp; B" in svg and ">3<" in svg and ">—<" in svg and "T &lt;x&gt;" in svg

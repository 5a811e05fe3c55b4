"""Every message shipped has a Traditional Chinese translation, and pages follow the reader's language."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from forum.i18n import translation_dirs

ROOT = Path(__file__).resolve().parents[2]


def _catalogue_ids() -> dict[str, str]:
    merged: dict[str, str] = {}
    for directory in translation_dirs():
        for po in directory.glob("zh_Hant_HK/LC_MESSAGES/messages.po"):
            with po.open("rb") as handle:
                for message in read_po(handle):
                    if message.id and message.string and not message.fuzzy:
                        merged[message.id if isinstance(message.id, str) else message.id[0]] = message.string
    return merged


def test_every_message_has_a_chinese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0]: m.locations for m in read_po(handle) if m.id}
    translated = _catalogue_ids()
    missing = {msgid: locations[:1] for msgid, locations in wanted.items() if msgid not in translated}
    assert len(wanted) > 200
    assert missing == {}, f"{len(missing)} messages without Chinese: {list(missing.items())[:20]}"


def test_placeholders_survive_translation():
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    for msgid, msgstr in _catalogue_ids().items():
        for form in ([msgstr] if isinstance(msgstr, str) else msgstr):  # plural messages have one per form
            assert sorted(pattern.findall(msgid)) == sorted(pattern.findall(form)), msgid


def test_accept_language_picks_chinese_for_anonymous_visitors(client):
    assert "<h1>登入</h1>" in client.get("/login", headers={"Accept-Language": "zh-HK,zh;q=0.9"}).get_data(as_text=True)
    assert "<h1>Sign in</h1>" in client.get("/login", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    # Simplified-Chinese readers also get the Chinese UI rather than English.
    assert "<h1>登入</h1>" in client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_language_switch_is_remembered_for_the_account(client, login_as):
    from forum.extensions import db

    user = login_as("ha_staff")
    response = client.post("/language", data={"locale": "zh_Hant_HK", "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    db.session.refresh(user)
    assert user.locale == "zh_Hant_HK"
    # A new browser (no cookie) signing in to this account sees Chinese.
    other = client.application.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
    assert "我的帳戶" in other.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_language_switch_ignores_foreign_next(client):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_times_are_shown_in_hong_kong_time(client, login_as):
    from datetime import datetime, timezone

    from tests.factories import ForumFactory

    login_as("organiser")
    # 01:30 UTC is 09:30 in Hong Kong.
    forum = ForumFactory(starts_at=datetime(2026, 12, 8, 1, 30, tzinfo=timezone.utc))
    text = client.get(f"/forums/{forum.slug}").get_data(as_text=True)
    assert "09:30" in text and "01:30" not in text

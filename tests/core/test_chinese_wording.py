"""The Chinese UI speaks with one voice: 您 for the reader, one word per status, one translation per message."""
import re
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

from forum.i18n import translation_dirs

ROOT = Path(__file__).resolve().parents[2]
# Text inside 「」, 『』 or “” is a quoted name (a product called 「你好」 keeps its name).
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』|“[^”]*”")


def _catalogues():
    for directory in translation_dirs():
        for po in directory.glob("zh_Hant_HK/LC_MESSAGES/messages.po"):
            with po.open("rb") as handle:
                yield po.relative_to(ROOT), list(read_po(handle))


def _forms(string) -> list[str]:
    return [string] if isinstance(string, str) else [s for s in string if s]


def _plain_you(text: str) -> bool:
    return "你" in _QUOTED.sub("", text)


def test_quoted_names_may_contain_the_informal_you():
    assert _plain_you("您的申請已撤回，你可以再試")
    assert not _plain_you("產品「你好醫生」已加入您的書籤")


def test_every_catalogue_addresses_the_reader_as_nin():
    found = [(str(path), message.id) for path, messages in _catalogues() for message in messages
             if message.id and any(_plain_you(form) for form in _forms(message.string))]
    assert found == [], f"use 您, not 你: {found[:10]}"


def test_chinese_written_in_code_and_templates_addresses_the_reader_as_nin():
    # Survey questions, mail subjects and the like are written in Chinese outside the catalogues.
    files = [*ROOT.glob("forum/**/*.py"), *ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]
    found = [str(p.relative_to(ROOT)) for p in files if _plain_you(p.read_text(encoding="utf-8"))]
    assert found == []


def test_a_message_in_several_catalogues_has_one_translation():
    # The catalogues are merged into one at run time, and the last one loaded wins: two translations
    # of one message mean one page shows the other's word ("Declined" read 未獲接納 on attendee lists).
    translations = defaultdict(dict)
    for path, messages in _catalogues():
        for message in messages:
            if message.id and message.string and not message.fuzzy:
                key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
                translations[key][str(path.parts[1])] = tuple(_forms(message.string))
    conflicts = {key: found for key, found in translations.items() if len(set(found.values())) > 1}
    assert conflicts == {}


def _zh(client, login_as, role="organiser"):
    user = login_as(role)
    client.post("/language", data={"locale": "zh_Hant_HK", "next": "/"})
    return user


def test_attendee_status_words_are_the_same_on_every_page(app, client, login_as):
    from flask_babel import force_locale, gettext

    from forum.attendees.models import AttendeeStatus
    from tests.factories import AttendeeFactory, ForumFactory

    with app.test_request_context(), force_locale("zh_Hant_HK"):
        words = {status: gettext(status.capitalize()) for status in ("invited", "registered", "declined", "cancelled")}
        # The audit trail's lower-case status words and the check-in screens use the same words.
        assert {status: gettext(status) for status in words} == words
        assert gettext("Checked in") == gettext("Already checked in") == "已入場"
    assert words == {"invited": "已邀請", "registered": "已登記", "declined": "已婉拒", "cancelled": "已取消"}

    forum = ForumFactory()
    for status in AttendeeStatus:
        AttendeeFactory(forum=forum, status=status)
    _zh(client, login_as)
    attendees = client.get(f"/forums/{forum.slug}/attendees/").get_data(as_text=True)
    for status, word in words.items():
        assert f'<span class="badge st-{status}">{word}</span>' in attendees
    dashboard = client.get(f"/forums/{forum.slug}/checkin/dashboard").get_data(as_text=True)
    assert f'id="tile-registered">{words["registered"]}<strong>1</strong>' in dashboard
    # The dashboard's first tile counts everyone invited (all but the cancelled), not the people who
    # have not answered yet (the attendee list's 已邀請): it has its own words.
    assert 'id="tile-invited">邀請總數<strong>3</strong>' in dashboard
    assert words["invited"] not in dashboard.split('id="tile-invited"')[1].split("</div>")[0]

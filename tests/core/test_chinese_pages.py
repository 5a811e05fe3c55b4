"""Every page each demo role can reach, read in Traditional Chinese: no English UI text is left over.

The walk starts at the home page and follows the links on each page (GET only, this site only), as
each demo role with the Chinese UI. On every page it reads the visible text and the attributes a
screen reader speaks (placeholder, aria-label, title, alt, button values), drops what is data (any
text stored in the database: company, person, site and solution names, codes, emails, URLs) and
the words that stay English in Chinese UIs (HA, QR, CSV, PDF ...), and fails on any English left.
"""
from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import HTTPException

from forum.extensions import db

# Words and names that Chinese UIs in Hong Kong keep in English.
KEPT = {
    "ha", "hkstp", "hksp", "hkstp's", "qr", "csv", "pdf", "xlsx", "excel", "ics", "api", "id", "url", "email",
    "png", "jpeg", "webp", "mb", "kb", "trl", "pdpo", "it", "ai", "ok", "am", "pm", "json", "openapi", "pin",
    "wi-fi", "wifi", "iphone", "android", "ios", "google", "outlook", "calendar", "bearer", "token", "x",
    "hk", "uk", "nfc", "sso", "utf", "big5", "iso", "yyyy", "mm", "dd", "hh", "gcp", "iec", "fda", "ce",
    "mdacs", "nmpa", "ehr", "cms", "lis", "ris", "pacs", "his", "icu", "ae", "a&e", "opd", "sopd", "gopd",
    "ctrl", "cmd", "ip",
}
# Code, keys and what people typed (a textarea holds their text) are not UI text.
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp", "template", "textarea"}
SPOKEN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
_URL_OR_MAIL = re.compile(r"\S+@\S+|https?://\S+|/[\w\-./?=&%]+|\b\w+_\w+\b")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’&\-]*")
_NOT_PAGES = re.compile(r"/(logout|language)\b|\.(csv|xlsx|ics|pdf|png|svg|json|zip)(\?|$)|/static/|/api/|/export|"
                        r"/download|/badges?\b|/files?/|/brochure|/image|/qr\b|/poster|/ical")


class _PageText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = []  # stack of open elements whose text is not UI text
        self.texts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in SKIPPED_ELEMENTS or values.get("lang", "").startswith("en") or values.get("translate") == "no":
            if tag not in ("input", "img", "br", "meta", "link"):
                self.skipping.append(tag)
            return
        if self.skipping:
            return
        for name in SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data)


def _stored_words() -> tuple[set[str], set[str]]:
    """Every word and every text stored in the database: names, titles, codes are data, not UI."""
    words: set[str] = set()
    texts: set[str] = set()
    for table in db.metadata.sorted_tables:
        if table.name in ("audit_event",):  # its changes hold field names and keys, not shown data
            continue
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text)) and not isinstance(c.type, sa.Enum)]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                if value:
                    words.update(w.lower() for w in _WORDS.findall(str(value)))
                    texts.add(" ".join(str(value).split()).lower())
    return words, texts


def _english_messages() -> set[str]:
    """The English of every catalogue message: shown as is on a Chinese page, it was not translated."""
    from babel.messages.pofile import read_po

    from forum.i18n import translation_dirs

    messages = set()
    for directory in translation_dirs():
        for po in directory.glob("zh_Hant_HK/LC_MESSAGES/messages.po"):
            with po.open("rb") as handle:
                messages.update(" ".join(str(m.id if isinstance(m.id, str) else m.id[0]).split()).lower()
                                for m in read_po(handle) if m.id)
    return messages


def english_left(text: str, data_words: set[str], messages: frozenset[str] = frozenset(),
                 data_texts: frozenset[str] = frozenset()) -> str | None:
    folded = " ".join(text.split()).lower()
    if folded in messages and folded not in data_texts and any(w.lower() not in KEPT for w in _WORDS.findall(text)):
        return " ".join(text.split())
    text = _URL_OR_MAIL.sub(" ", text)
    words = [w for w in _WORDS.findall(text) if w.lower().strip("'’-&") not in KEPT]
    # A single letter or a lone word that is stored data (a name, a code) is not UI text.
    left = [w for w in words if len(w) > 1 and w.lower() not in data_words]
    return " ".join(words) if left else None


def walk(client, limit: int = 400):
    """Pages reachable from the home page by links: {path: [English left on it]}."""
    data_words, data_texts = _stored_words()
    data_texts = frozenset(data_texts)
    routes = client.application.url_map.bind("localhost")
    # Each language's own name stays in that language in the language switch ("English", "繁體中文").
    languages = set(client.application.config["LANGUAGES"].values())
    messages = frozenset(_english_messages())
    found: dict[str, list[str]] = {}
    seen = {("home.index", ())}
    queue = deque(["/"])
    visited = 0
    while queue and visited < limit:
        path = queue.popleft()
        response = client.get(path)
        visited += 1
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        parser = _PageText()
        parser.feed(response.get_data(as_text=True))
        english = sorted({e for e in (english_left(t, data_words, messages, data_texts) for t in parser.texts
                                      if t.strip() not in languages) if e})
        if english:
            found[path] = english
        for href in parser.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or _NOT_PAGES.search(href):
                continue
            # One page per view and set of query keys: /forums/x/attendees/12 stands for every attendee.
            try:
                endpoint, _args = routes.match(parts.path, method="GET")
            except HTTPException:
                continue
            pattern = (endpoint, tuple(sorted(k for k, _v in parse_qsl(parts.query))))
            if pattern in seen:
                continue
            seen.add(pattern)
            queue.append(href)
    return found, visited


ROLES = ("admin", "organiser", "scanner", "exhibitor", "ha_staff", "partnership")


def test_every_page_each_demo_role_reaches_reads_in_chinese(app, client):
    # One demo for all six walks: loading it is most of the time this test takes.
    from forum.accounts.models import User
    from forum.demo import load_demo
    from forum.demo_data import DEMO_USERS

    load_demo(attendees=24, exhibitors=8, echo=lambda *_: None)
    report, visited = {}, {}
    for role in ROLES:
        email = next(e for r, e, *_ in DEMO_USERS if r == role)
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.locale = "zh_Hant_HK"
        db.session.flush()
        with client.session_transaction() as session:
            session.clear()
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        found, visited[role] = walk(client)
        report.update({f"{role} {path}": english for path, english in found.items()})
    with client.session_transaction() as session:  # and a visitor who has not signed in
        session.clear()
        session["locale"] = "zh_Hant_HK"
    found, visited["visitor"] = walk(client)
    report.update({f"visitor {path}": english for path, english in found.items()})
    assert min(visited.values()) > 3, visited  # every role reached its pages in Chinese
    assert report == {}, "\n".join(f"{page}: {english}" for page, english in report.items())


def test_the_check_finds_english_and_leaves_data_alone():
    data = {"queen", "mary", "hospital", "careflow"}
    assert english_left("Queen Mary Hospital", data) is None
    assert english_left("瑪麗醫院 · CSV · HA", data) is None
    assert english_left("Save the changes", data) == "Save the changes"
    assert english_left("儲存", data, frozenset({"save"})) is None
    assert english_left("Save", data, frozenset({"save"})) == "Save"
    assert english_left("cluster_code https://forum.example/x admin@forum.example", data) is None

"""Reference sites: HA clusters, hospitals, institutions, clinics, labs and offices."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.services import apply_changes, record
from ..db import contains
from ..errors import Conflict, NotFound, ValidationError
from ..extensions import db
from ..permissions import ensure
from ..tabular import SpreadsheetError, Vocabulary, find_table, read_grids
from ..text import clean, normalise
from .models import SITE_KINDS, Cluster, Site

REFERENCE_CSV = Path(__file__).parent / "data" / "ha_sites.csv"
CSV_COLUMNS = ("cluster_code", "name_en", "name_zh", "kind")

_PUNCT = re.compile(r"[\s.,'’()\-&/]+")


def site_key(name: str) -> str:
    """Folded name for matching spellings: case, full-width, dots and spaces ignored."""
    key = _PUNCT.sub(" ", normalise(name)).strip()
    key = re.sub(r"^the ", "", key)
    return key


def list_sites(*, kind: str | None = None, cluster_code: str | None = None, query: str = "",
               include_inactive: bool = False) -> list[Site]:
    stmt = sa.select(Site).outerjoin(Cluster).order_by(Cluster.code.nulls_last(), Site.kind, Site.name_en)
    if kind:
        stmt = stmt.where(Site.kind == kind)
    if cluster_code:
        stmt = stmt.where(Cluster.code == cluster_code)
    if not include_inactive:
        stmt = stmt.where(Site.active.is_(True))
    if query:
        stmt = stmt.where(sa.or_(contains(Site.name_en, query.strip(), ignore_case=True),
                                 contains(Site.name_zh, query.strip())))
    return db.session.scalars(stmt).all()


def list_clusters() -> list[Cluster]:
    return db.session.scalars(sa.select(Cluster).order_by(Cluster.code)).all()


def get_site(site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None:
        raise NotFound(_l("No such site."))
    return site


# Abbreviations HA staff write in spreadsheets. Only those in wide use for exactly one site.
SITE_ABBREVIATIONS = {
    "QMH": "Queen Mary Hospital", "PYNEH": "Pamela Youde Nethersole Eastern Hospital",
    "QEH": "Queen Elizabeth Hospital", "PWH": "Prince of Wales Hospital", "TMH": "Tuen Mun Hospital",
    "UCH": "United Christian Hospital", "KWH": "Kwong Wah Hospital", "PMH": "Princess Margaret Hospital",
    "CMC": "Caritas Medical Centre", "TKOH": "Tseung Kwan O Hospital", "HKCH": "Hong Kong Children's Hospital",
    "AHNH": "Alice Ho Miu Ling Nethersole Hospital", "NDH": "North District Hospital", "POH": "Pok Oi Hospital",
    "YCH": "Yan Chai Hospital", "HHH": "Haven of Hope Hospital", "NLTH": "North Lantau Hospital",
    "HKEH": "Hong Kong Eye Hospital", "OLMH": "Our Lady of Maryknoll Hospital", "CPH": "Castle Peak Hospital",
    "KCH": "Kwai Chung Hospital", "TSWH": "Tin Shui Wai Hospital", "HAHO": "Hospital Authority Head Office",
    "GH": "Grantham Hospital", "TYH": "Tsan Yuk Hospital", "TWEH": "Tung Wah Eastern Hospital",
    # HA staff at the head office write just that: within HA there is only one.
    "Head Office": "Hospital Authority Head Office",
}
SITE_CHINESE_ALIASES = {"醫管局總辦事處": "Hospital Authority Head Office", "醫管局總部": "Hospital Authority Head Office",
                        "醫院管理局總部": "Hospital Authority Head Office", "總辦事處": "Hospital Authority Head Office"}
# Spelling variants folded before comparing English names.
_WORD_VARIANTS = [
    (re.compile(r"\btwghs?\b"), "tung wah group of hospitals"),
    (re.compile(r"\bhosp\b"), "hospital"),
    (re.compile(r"\bha\b"), "hospital authority"),
    (re.compile(r"\bsaint\b"), "st"),
    (re.compile(r"\bcentre\b|\bcenter\b|\bctr\b"), "centre"),
    (re.compile(r"\bchildrens\b"), "children s"),
    (re.compile(r"\band\b"), " "),
]
_ZH_SPACES = re.compile(r"[\s·・()（）]+")


def _english_keys(name: str) -> set[str]:
    key = site_key(name)
    for pattern, replacement in _WORD_VARIANTS:
        key = pattern.sub(replacement, key)
    key = re.sub(r"\s+", " ", key).strip()
    keys = {key}
    # "Queen Mary" for "Queen Mary Hospital"; one-word stems ("Kowloon") are too vague.
    stem = re.sub(r" hospital$", "", key)
    if stem != key and " " in stem:
        keys.add(stem)
    return keys


def _chinese_key(name: str) -> str:
    return _ZH_SPACES.sub("", normalise(name))


class SiteIndex:
    """Finds the site a person meant, by English or Chinese name, common spelling or abbreviation.

    Built once and reused (an import of 10,000 rows asks it 10,000 times). A spelling that two
    sites share is ambiguous and matches neither.
    """

    def __init__(self, sites):
        self._keys: dict[str, Site | None] = {}
        by_name = {}
        for site in sites:
            by_name[site.name_en] = site
            for key in _english_keys(site.name_en):
                self._add(key, site)
            if site.name_zh:
                zh = _chinese_key(site.name_zh)
                self._add("zh:" + zh, site)
                if zh.endswith("醫院") and len(zh) > 4:
                    self._add("zh:" + zh.removesuffix("醫院"), site)
        for name_zh, name_en in SITE_CHINESE_ALIASES.items():
            if name_en in by_name:
                self._keys["zh:" + _chinese_key(name_zh)] = by_name[name_en]
        for abbreviation, name_en in SITE_ABBREVIATIONS.items():
            if name_en in by_name:
                self._keys["abbr:" + re.sub(r"[\s.]", "", abbreviation.casefold())] = by_name[name_en]

    def _add(self, key: str, site: Site) -> None:
        if key in self._keys and self._keys[key] is not site:
            self._keys[key] = None  # ambiguous
        else:
            self._keys[key] = site

    def find(self, text: str | None) -> Site | None:
        text = clean(text)
        if not text:
            return None
        folded = normalise(text)
        site = self._keys.get("abbr:" + re.sub(r"[\s.]", "", folded))
        if site is None:
            site = self._keys.get("zh:" + _chinese_key(text))
        if site is None:
            for key in _english_keys(text):
                site = self._keys.get(key)
                if site is not None:
                    break
        return site


def site_index() -> SiteIndex:
    return SiteIndex(_all_sites())


def find_site(text: str) -> Site | None:
    """The site a person meant by an English or Chinese name, as typed in a spreadsheet."""
    return site_index().find(text)


def _all_sites() -> list[Site]:
    return db.session.scalars(sa.select(Site)).all()


def find_cluster(text: str | None, clusters: list[Cluster] | None = None) -> Cluster | None:
    """A cluster by code ("KC"), English ("Kowloon Central (Cluster)") or Chinese ("九龍中(醫院聯網)") name."""
    text = clean(text)
    if not text:
        return None
    folded = re.sub(r"\s+", " ", normalise(text))
    for cluster in clusters if clusters is not None else list_clusters():
        english = normalise(cluster.name_en)
        chinese = normalise(cluster.name_zh)
        if folded in (cluster.code.casefold(), english, english.removesuffix(" cluster"),
                      chinese, chinese.removesuffix("醫院聯網"), chinese.removesuffix("聯網")):
            return cluster
    return None


def _cluster_for(code: str | None) -> Cluster | None:
    if not code:
        return None
    cluster = db.session.scalar(sa.select(Cluster).where(Cluster.code == code.strip().upper()))
    if cluster is None:
        raise ValidationError(_l("Unknown cluster %(code)s.", code=code), field="cluster_code")
    return cluster


def _validate(values: dict, site_id: int | None = None) -> dict:
    name_en = clean(values.get("name_en"))
    name_zh = clean(values.get("name_zh"))
    kind = clean(values.get("kind")).lower()
    if not name_en:
        raise ValidationError(_l("Give the English name."), field="name_en")
    if kind not in SITE_KINDS:
        raise ValidationError(_l("Kind must be one of: %(kinds)s.", kinds=", ".join(SITE_KINDS)), field="kind")
    key = normalise(name_en)
    clash = db.session.scalar(sa.select(Site.id).where(Site.name_key == key, Site.id != (site_id or 0)))
    if clash:
        raise Conflict(_l("A site with this name already exists."), field="name_en")
    cluster = _cluster_for(values.get("cluster_code"))
    return {"name_en": name_en, "name_zh": name_zh, "kind": kind, "name_key": key,
            "cluster_id": cluster.id if cluster else None, "source": clean(values.get("source"))}


def create_site(actor, values: dict) -> Site:
    ensure(actor, "site.manage")
    site = Site(**_validate(values))
    db.session.add(site)
    db.session.flush()
    record(actor, "site.create", site, changes={"name_en": site.name_en, "kind": site.kind})
    return site


def update_site(actor, site: Site, values: dict) -> dict:
    ensure(actor, "site.manage")
    cleaned = _validate(values, site.id)
    if "source" not in values:
        cleaned.pop("source")
    cleaned["active"] = bool(values.get("active", site.active))
    changes = apply_changes(site, cleaned)
    if changes:
        record(actor, "site.update", site, changes=changes)
    return changes


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


SITE_COLUMNS = Vocabulary({
    "cluster_code": ["cluster_code", "cluster code", "cluster", "聯網", "聯網代號"],
    "name_en": ["name_en", "name", "english name", "name (english)", "英文名稱", "英文名", "名稱(英文)",
                "name in english"],
    "name_zh": ["name_zh", "chinese name", "name (chinese)", "中文名稱", "中文名", "名稱(中文)",
                "name in chinese"],
    "kind": ["kind", "type", "類別", "類型"],
    "source": ["source", "來源"],
})


def import_sites(actor, content: bytes | str, *, dry_run: bool = False, filename: str = "") -> ImportReport:
    """Add sites from CSV or XLSX (cluster_code, name_en, name_zh, kind[, source]), read by forum/tabular.py.

    Every bad row is reported with its line number; nothing is written unless all rows are good.
    """
    ensure(actor, "site.manage")
    report = ImportReport()
    if isinstance(content, str):
        content = content.encode("utf-8")
    try:
        grids, _notes = read_grids(content, filename)
        table = find_table(grids[:1], SITE_COLUMNS, lambda columns, _dup, _line: True, search_rows=1)
    except SpreadsheetError as error:
        report.errors.append((1, error.message))
        return report
    missing = [c for c in ("name_en", "kind") if c not in table.columns]
    if missing:
        report.errors.append((table.header_line, str(_l("Missing columns: %(cols)s.", cols=", ".join(missing)))))
        return report
    rows = [(line, {name: cells[i] if i < len(cells) else "" for name, i in table.columns.items()})
            for line, cells in table.rows]
    seen: dict[str, int] = {}
    savepoint = db.session.begin_nested()
    for line, row in rows:
        key = normalise(row.get("name_en"))
        if key and key in seen:
            report.errors.append((line, str(_l("Same site as line %(line)d.", line=seen[key]))))
            continue
        seen[key] = line
        existing = db.session.scalar(sa.select(Site).where(Site.name_key == key)) if key else None
        if existing is not None:
            report.unchanged.append(existing.name_en)
            continue
        try:
            create_site(actor, row)
        except ValidationError as error:
            report.errors.append((line, error.message))
        except Conflict as error:
            report.errors.append((line, error.message))
        else:
            report.created.append(clean(row.get("name_en")))
    if report.errors or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report


def load_reference_sites(path: Path = REFERENCE_CSV) -> int:
    """Clusters and sites from the shipped CSV; existing rows are kept. Returns the number added."""
    added = 0
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    clusters = {c.code: c for c in db.session.scalars(sa.select(Cluster))}
    known = set(db.session.scalars(sa.select(Site.name_key)))
    for row in rows:
        code = (row["cluster_code"] or "").strip()
        cluster = None
        if code:
            cluster = clusters.get(code)
            if cluster is None:
                cluster = Cluster(code=code, name_en=row["cluster_en"].strip(), name_zh=row["cluster_zh"].strip())
                db.session.add(cluster)
                clusters[code] = cluster
        key = normalise(row["name_en"])
        if key in known:
            continue
        db.session.add(Site(name_en=clean(row["name_en"]), name_zh=clean(row["name_zh"]), name_key=key,
                            kind=row["kind"].strip(), source=row["source"].strip(), cluster=cluster))
        known.add(key)
        added += 1
    db.session.flush()
    return added

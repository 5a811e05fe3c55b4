"""The one recommendation function: scores and the reasons behind them.

Pure numpy/scipy/scikit-learn over plain data (no database, no request), so the pages, the API,
the batch command and the benchmark all call `recommend()` the same way. Signals, each a matrix
product over the whole forum:

- themes: the person's themes against the solution's (cosine of the two theme sets);
- colleagues: bookmarks by people of the same department, and (weaker) the same site;
- co-occurrence: item-item, "people who bookmarked A also bookmarked B" (cosine-normalised counts);
- text: TF-IDF over character n-grams (`char_wb`, so Chinese needs no word segmentation) of the
  solutions' English and Chinese text, matched against the notes the person wrote ("the need you
  described") and against what they already bookmarked;
- a small popularity prior that only breaks ties.

Nothing is downloaded: the vectoriser is fitted on the forum's own solutions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

WEIGHTS = {"themes": 1.0, "department": 3.0, "site": 0.4, "cooccurrence": 2.0, "content": 0.6, "need": 3.0,
           "popularity": 0.1}
CHUNK = 1024  # people scored at once in a batch: bounds memory to CHUNK x items floats per matrix


@dataclass
class Item:
    """A solution of the forum (or an exhibitor without solutions)."""

    id: int
    company_id: int
    title_en: str
    title_zh: str
    text: str  # English and Chinese title, summary, problem, departments, target users
    theme_ids: list[int] = field(default_factory=list)


@dataclass
class Person:
    key: int  # the user's id
    department: str = ""
    site_id: int | None = None
    theme_ids: list[int] = field(default_factory=list)
    bookmarks: dict[int, float] = field(default_factory=dict)  # item id -> weight (1; exhibitor-wide less)
    notes: list[str] = field(default_factory=list)


@dataclass
class Reason:
    kind: str  # themes | department | site | cooccurrence | need | content
    weight: float
    count: int = 0
    names: list = field(default_factory=list)  # theme ids, a department, a site id, item ids, a note


@dataclass
class Recommendation:
    item_id: int
    company_id: int
    score: float
    reasons: list[Reason]


def department_key(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().casefold())


class Model:
    """Everything about the forum the scores need, built once from items and people."""

    def __init__(self, items: list[Item], people: list[Person]):
        self.items = items
        self.index = {item.id: n for n, item in enumerate(items)}
        n_items = len(items)
        self.company_ids = np.array([i.company_id for i in items], dtype=np.int64)
        theme_ids = sorted({t for i in items for t in i.theme_ids} | {t for p in people for t in p.theme_ids})
        self.theme_index = {t: n for n, t in enumerate(theme_ids)}
        self.item_themes = self._binary([[self.theme_index[t] for t in i.theme_ids] for i in items],
                                        len(theme_ids))
        theme_counts = np.asarray(self.item_themes.sum(axis=1)).ravel()
        self.item_theme_norm = np.where(theme_counts > 0, 1 / np.sqrt(np.maximum(theme_counts, 1)), 0)

        texts = [i.text or i.title_en or i.title_zh or " " for i in items]
        self.vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=1, sublinear_tf=True,
                                          max_features=200_000, dtype=np.float32)
        try:
            self.item_text = self.vectoriser.fit_transform(texts)
        except ValueError:  # no solutions, or no text at all: no text signal
            self.vectoriser = None
            self.item_text = sparse.csr_matrix((n_items, 1), dtype=np.float32)
        self.content = (self.item_text @ self.item_text.T).toarray().astype(np.float32)
        np.fill_diagonal(self.content, 0)

        bookmarks = self.bookmark_matrix(people)
        ones = bookmarks.copy()
        ones.data[:] = 1
        counts = np.asarray(ones.sum(axis=0)).ravel().astype(np.float32)
        self.popularity = counts / counts.max() if n_items and counts.max() > 0 else np.zeros(n_items, np.float32)
        co = (ones.T @ ones).toarray().astype(np.float32)
        np.fill_diagonal(co, 0)
        norm = np.sqrt(np.maximum(counts, 1))
        self.cooccurrence = co / norm[:, None] / norm[None, :]

        self.departments = {}
        self.sites = {}
        for p in people:
            self.departments.setdefault(department_key(p.department), len(self.departments))
            self.sites.setdefault(p.site_id, len(self.sites))
        dept = self._onehot([self.departments[department_key(p.department)] for p in people], len(self.departments))
        site = self._onehot([self.sites[p.site_id] for p in people], len(self.sites))
        self.department_counts = (dept.T @ ones).tocsr()  # departments x items: how many bookmarked
        self.site_counts = (site.T @ ones).tocsr()
        active = (np.asarray(ones.sum(axis=1)).ravel() > 0).astype(np.float32)
        self.department_sizes = np.asarray(dept.T @ active).ravel()  # people with bookmarks per department
        self.site_sizes = np.asarray(site.T @ active).ravel()
        self._blank_department = self.departments.get("")
        self._blank_site = self.sites.get(None)

    @staticmethod
    def _binary(rows: list[list[int]], width: int) -> sparse.csr_matrix:
        indptr = np.cumsum([0] + [len(r) for r in rows])
        indices = np.array([c for r in rows for c in r], dtype=np.int64)
        return sparse.csr_matrix((np.ones(len(indices), np.float32), indices, indptr), shape=(len(rows), width))

    @staticmethod
    def _onehot(columns: list[int], width: int) -> sparse.csr_matrix:
        n = len(columns)
        return sparse.csr_matrix((np.ones(n, np.float32), (np.arange(n), columns)), shape=(n, max(width, 1)))

    def bookmark_matrix(self, people: list[Person]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for r, p in enumerate(people):
            for item_id, weight in p.bookmarks.items():
                c = self.index.get(item_id)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
                    vals.append(weight)
        return sparse.csr_matrix((np.array(vals, np.float32), (rows, cols)), shape=(len(people), len(self.items)))

    def _group_rows(self, people: list[Person], counts, sizes, groups: dict, key, blank):
        """Each person's group's bookmark counts and the group's size (none for people without a group)."""
        columns = [groups.get(key(p)) for p in people]
        rows = [r for r, g in enumerate(columns) if g is not None and g != blank]
        pick = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, [columns[r] for r in rows])),
                                 shape=(len(people), counts.shape[0]))
        return (pick @ counts).toarray(), pick @ sizes


def _signals(model: Model, people: list[Person]) -> dict[str, np.ndarray]:
    """Each signal as a people x items matrix (before weights)."""
    n = len(people)
    themes = model._binary([[model.theme_index[t] for t in p.theme_ids if t in model.theme_index] for p in people],
                           len(model.theme_index))
    person_norm = np.array([1 / np.sqrt(len(p.theme_ids)) if p.theme_ids else 0 for p in people], np.float32)
    shared = (themes @ model.item_themes.T).toarray()
    theme_score = shared * person_norm[:, None] * model.item_theme_norm[None, :]

    bookmarks = model.bookmark_matrix(people)
    ones = bookmarks.copy()
    ones.data[:] = 1
    own = bookmarks.toarray() > 0
    # Colleagues' counts, less the person's own bookmark (which is excluded anyway).
    dept, dept_size = model._group_rows(people, model.department_counts, model.department_sizes, model.departments,
                                        lambda p: department_key(p.department), model._blank_department)
    site, site_size = model._group_rows(people, model.site_counts, model.site_sizes, model.sites,
                                        lambda p: p.site_id, model._blank_site)
    dept, site = dept - own, site - own
    # The share of colleagues who bookmarked it (others only), damped for small groups.
    dept_share = dept / (np.maximum(dept_size - 1, 0) + 3)[:, None]
    site_share = site / (np.maximum(site_size - 1, 0) + 3)[:, None]
    n_marks = np.asarray(ones.sum(axis=1)).ravel()
    scale = 1 / np.sqrt(np.maximum(n_marks, 1))
    co = (ones @ model.cooccurrence) * scale[:, None]
    content = (ones @ model.content) / np.maximum(n_marks, 1)[:, None]

    # The need a person described: each note against each solution; the best note counts.
    need = np.zeros((n, len(model.items)), np.float32)
    best_note = np.full((n, len(model.items)), -1, np.int32)
    notes = [(r, x) for r, p in enumerate(people) for x in p.notes if x.strip()]
    if notes and len(model.items) and model.vectoriser is not None:
        sims = (model.vectoriser.transform([x for _r, x in notes]) @ model.item_text.T).toarray()
        for row, (r, _x) in enumerate(notes):
            better = sims[row] > need[r]
            need[r][better] = sims[row][better]
            best_note[r][better] = row
    return {"themes": theme_score, "department": dept_share, "site": site_share, "cooccurrence": co,
            "content": content, "need": need, "popularity": np.broadcast_to(model.popularity, (n, len(model.items))),
            "_own": own, "_dept": dept, "_site": site, "_best_note": best_note, "_notes": [x for _r, x in notes]}


def recommend(model: Model, people: list[Person], k: int = 10, *, only_items: np.ndarray | None = None,
              weights: dict | None = None, include_bookmarked: bool = False) -> list[list[Recommendation]]:
    """For each person, the k best items they have not bookmarked, with scores and reasons."""
    weights = {**WEIGHTS, **(weights or {})}
    out: list[list[Recommendation]] = []
    for start in range(0, len(people), CHUNK):
        chunk = people[start:start + CHUNK]
        signals = _signals(model, chunk)
        total = sum(weights[name] * signals[name] for name in WEIGHTS)
        if not include_bookmarked:
            total = np.where(signals["_own"], -np.inf, total)
        if only_items is not None:
            mask = np.full(len(model.items), True)
            mask[only_items] = False
            total[:, mask] = -np.inf
        top = min(k, total.shape[1])
        if top == 0:
            out.extend([] for _ in chunk)
            continue
        best = np.argpartition(-total, top - 1, axis=1)[:, :top]
        for r, person in enumerate(chunk):
            order = best[r][np.argsort(-total[r, best[r]], kind="stable")]
            out.append([_explain(model, person, r, c, float(total[r, c]), signals, weights)
                        for c in order if np.isfinite(total[r, c]) and total[r, c] > 0])
    return out


def score_matrix(model: Model, people: list[Person], weights: dict | None = None) -> np.ndarray:
    """The same total score as recommend(), for every person and item (bookmarked ones included)."""
    weights = {**WEIGHTS, **(weights or {})}
    signals = _signals(model, people)
    return sum(weights[name] * signals[name] for name in WEIGHTS)


def _explain(model: Model, person: Person, r: int, c: int, score: float, signals, weights) -> Recommendation:
    item = model.items[c]
    reasons = []
    shared = [t for t in person.theme_ids if t in item.theme_ids]
    if shared:
        reasons.append(Reason("themes", weights["themes"] * signals["themes"][r, c], len(shared), shared))
    dept_count = int(round(signals["_dept"][r, c]))
    if dept_count > 0:
        reasons.append(Reason("department", weights["department"] * signals["department"][r, c], dept_count,
                              [person.department]))
    site_count = int(round(signals["_site"][r, c]))
    if site_count > 0 and site_count != dept_count:
        reasons.append(Reason("site", weights["site"] * signals["site"][r, c], site_count, [person.site_id]))
    if signals["need"][r, c] > 0.15:  # char n-grams share common words: only a clear match is named
        note = signals["_notes"][signals["_best_note"][r, c]]
        reasons.append(Reason("need", weights["need"] * signals["need"][r, c], 1, [note.strip()[:80]]))
    marked = [model.index[i] for i in person.bookmarks if i in model.index]
    if marked and signals["cooccurrence"][r, c] > 0:
        j = max(marked, key=lambda j: model.cooccurrence[j, c])
        if model.cooccurrence[j, c] > 0:
            reasons.append(Reason("cooccurrence", weights["cooccurrence"] * signals["cooccurrence"][r, c], 1,
                                  [model.items[j].id]))
    if marked and signals["content"][r, c] > 0.05:
        j = max(marked, key=lambda j: model.content[j, c])
        reasons.append(Reason("content", weights["content"] * signals["content"][r, c], 1, [model.items[j].id]))
    reasons.sort(key=lambda x: -x.weight)
    return Recommendation(item.id, item.company_id, round(score, 4), reasons[:3])  # the three that weigh most

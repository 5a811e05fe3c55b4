"""Recommendations: quality against a popularity baseline, and speed, in one run.

A demo-like forum is generated with structure: HA people belong to departments at sites; each
department cares about two or three Smart Hospital themes and has needs of its own ("ward bed
turnover", "病床周轉"); solutions carry themes and say in English and Chinese which departments and
needs they serve. Each person has one or two of their department's needs. People bookmark
mostly what meets their needs, fits their department and themes, plus noise (popular
things, 12%, and random ones, 8%), and 30% of bookmarks carry a note naming the person's need. 20% of each person's
bookmarks are hidden; both rankers see the rest and are scored on finding the hidden ones.

Then the speed: one batch of 10,000 attendees x 1,600 solutions, and one person's list.
Everything runs in memory through forum.matchmaking.engine.recommend(), the function the
pages, the API and the batch command call; no database is involved.

    .venv/bin/python benchmarks/recommendations.py [--people 1200] [--solutions 240] [--seed 7]
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum.matchmaking import engine  # noqa: E402

THEMES = ["patient experience 病人體驗", "clinical workflow 臨床工作流程", "facility and asset 設施及資產",
          "logistics and supply 物流及供應鏈", "infection control 感染控制", "data and AI 數據及人工智能",
          "resilience 韌性"]
DEPARTMENTS = [  # name, themes it cares about, needs (English, Chinese)
    ("Radiology", [5, 1], [("image triage backlog", "影像分流積壓"), ("scanner scheduling", "掃描排程")]),
    ("Medicine", [1, 0], [("ward bed turnover", "病床周轉"), ("discharge planning", "出院計劃")]),
    ("Surgery", [1, 3], [("theatre utilisation", "手術室使用率"), ("instrument tracking", "器械追蹤")]),
    ("Nursing Services", [0, 4], [("fall prevention", "防跌"), ("nurse rostering", "護士編更")]),
    ("Pharmacy", [3, 5], [("drug dispensing errors", "配藥錯誤"), ("stock expiry", "藥物過期")]),
    ("Infection Control", [4, 6], [("hand hygiene compliance", "手部衞生"), ("outbreak tracing", "爆發追蹤")]),
    ("Facilities Management", [2, 6], [("chiller energy use", "冷水機能耗"), ("lift breakdowns", "升降機故障")]),
    ("Information Technology", [5, 6], [("legacy system integration", "舊系統整合"), ("cyber security", "網絡安全")]),
    ("Accident and Emergency", [1, 0], [("waiting time", "輪候時間"), ("triage accuracy", "分流準確")]),
    ("Rehabilitation", [0, 1], [("home exercise adherence", "家居運動"), ("gait assessment", "步態評估")]),
    ("Pathology", [5, 3], [("specimen transport", "樣本運送"), ("slide digitisation", "玻片數碼化")]),
    ("Supplies", [3, 2], [("warehouse picking", "倉庫揀貨"), ("linen logistics", "布草物流")]),
]
FILLER = ("platform system smart monitoring sensor cloud dashboard mobile robot analytics automated 智能 系統 平台 "
          "監測 感應器 雲端 流動 機械人 分析 自動化").split()


def generate(n_people: int, n_solutions: int, seed: int, solutions_per_company: int = 4):
    rng = random.Random(seed)
    items = []
    for i in range(n_solutions):
        company = i // solutions_per_company
        targets = rng.sample(range(len(DEPARTMENTS)), rng.choice([1, 1, 2]))
        themes = sorted({t for d in targets for t in rng.sample(DEPARTMENTS[d][1], 1)}
                        | ({rng.randrange(len(THEMES))} if rng.random() < 0.3 else set()))
        needs = [rng.choice(DEPARTMENTS[d][2]) for d in targets]
        words = [DEPARTMENTS[d][0] for d in targets] + [w for need in needs for w in need] + \
            [THEMES[t] for t in themes] + rng.sample(FILLER, 5)
        items.append(engine.Item(i + 1, company + 1, f"Solution {i + 1}", f"方案{i + 1}", " ".join(words), themes))
    # Some solutions are simply popular (well-known companies): the noise the baseline feeds on.
    appeal = [rng.paretovariate(1.5) for _ in items]
    by_dept = {d: [n for n, item in enumerate(items) if DEPARTMENTS[d][0] in item.text] for d in range(len(DEPARTMENTS))}
    serves = {}  # (department, need index) -> solutions that say they meet that need
    for n, item in enumerate(items):
        for d, (name, _themes, needs) in enumerate(DEPARTMENTS):
            for k, need in enumerate(needs):
                if need[0] in item.text:
                    serves.setdefault((d, k), []).append(n)
    people, truth = [], []
    for p in range(n_people):
        d = rng.randrange(len(DEPARTMENTS))
        name, dept_themes, needs = DEPARTMENTS[d]
        mine = rng.sample(range(len(needs)), rng.choice([1, 1, 2]))  # the needs this person has
        themes = sorted(set(dept_themes[:rng.choice([1, 2])]) | ({rng.randrange(len(THEMES))}
                                                               if rng.random() < 0.4 else set()))
        fits = [n for n in range(len(items)) if set(items[n].theme_ids) & set(themes)]
        own_need = [n for k in mine for n in serves.get((d, k), [])]
        marks: dict[int, str] = {}
        for _ in range(rng.randint(4, 12)):
            roll = rng.random()
            if roll < 0.45 and own_need:
                n = rng.choice(own_need)
            elif roll < 0.6 and by_dept[d]:
                n = rng.choice(by_dept[d])
            elif roll < 0.8 and fits:
                n = rng.choice(fits)
            elif roll < 0.92:
                n = rng.choices(range(len(items)), weights=appeal)[0]
            else:
                n = rng.randrange(len(items))
            note = ""
            if rng.random() < 0.3:
                need = needs[rng.choice(mine)]
                note = need[0] if rng.random() < 0.6 else need[1]
            marks.setdefault(items[n].id, note)
        people.append(engine.Person(p + 1, name, rng.randrange(40), themes))
        truth.append(marks)
    return items, people, truth


def split(people, truth, seed: int):
    """Hide 20% of each person's bookmarks (at least one, for people with 3 or more)."""
    rng = random.Random(seed + 1)
    hidden = []
    for person, marks in zip(people, truth):
        ids = list(marks)
        rng.shuffle(ids)
        k = max(1, round(len(ids) * 0.2)) if len(ids) >= 3 else 0
        hide, keep = set(ids[:k]), ids[k:]
        person.bookmarks = {i: 1.0 for i in keep}
        person.notes = [marks[i] for i in keep if marks[i]]
        hidden.append(hide)
    return hidden


def metrics(ranked: list[list[int]], hidden: list[set[int]], companies: dict[int, int]) -> dict:
    p5, r10, ndcg = [], [], []
    for ranks, truth in zip(ranked, hidden):
        if not truth:
            continue
        p5.append(len(set(ranks[:5]) & truth) / 5)
        r10.append(len(set(ranks[:10]) & truth) / len(truth))
        dcg = sum(1 / math.log2(n + 2) for n, item in enumerate(ranks[:10]) if item in truth)
        ideal = sum(1 / math.log2(n + 2) for n in range(min(len(truth), 10)))
        ndcg.append(dcg / ideal)
    shown = {companies[i] for ranks in ranked for i in ranks[:10]}
    return {"precision@5": statistics.mean(p5), "recall@10": statistics.mean(r10), "NDCG@10": statistics.mean(ndcg),
            "coverage": len(shown) / len(set(companies.values()))}


def popularity(people, items) -> list[list[int]]:
    counts: dict[int, int] = {}
    for p in people:
        for i in p.bookmarks:
            counts[i] = counts.get(i, 0) + 1
    order = sorted((i.id for i in items), key=lambda i: (-counts.get(i, 0), i))
    return [[i for i in order if i not in p.bookmarks][:10] for p in people]


def quality(n_people: int, n_solutions: int, seed: int) -> tuple[dict, dict]:
    items, people, truth = generate(n_people, n_solutions, seed)
    hidden = split(people, truth, seed)
    companies = {i.id: i.company_id for i in items}
    model = engine.Model(items, people)
    ours = [[r.item_id for r in rows] for rows in engine.recommend(model, people, 10)]
    return metrics(ours, hidden, companies), metrics(popularity(people, items), hidden, companies)


def speed(n_people: int, n_solutions: int, seed: int) -> dict:
    items, people, truth = generate(n_people, n_solutions, seed)
    for person, marks in zip(people, truth):
        person.bookmarks = {i: 1.0 for i in marks}
        person.notes = [n for n in marks.values() if n]
    started = time.perf_counter()
    model = engine.Model(items, people)
    built = time.perf_counter() - started
    started = time.perf_counter()
    found = engine.recommend(model, people, 10)
    batch = time.perf_counter() - started
    singles = []
    for person in random.Random(seed).sample(people, 50):
        started = time.perf_counter()
        engine.recommend(model, [person], 10)
        singles.append(time.perf_counter() - started)
    singles.sort()
    return {"model": built, "batch": batch, "with_reasons": sum(len(r) for r in found),
            "one_p50": singles[len(singles) // 2], "one_p95": singles[int(len(singles) * 0.95)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1200)
    parser.add_argument("--solutions", type=int, default=240)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-people", type=int, default=10_000)
    parser.add_argument("--batch-solutions", type=int, default=1_600)
    args = parser.parse_args()

    ours, base = quality(args.people, args.solutions, args.seed)
    print(f"Quality: {args.people} people, {args.solutions} solutions ({args.solutions // 4} exhibitors), "
          f"20% of each person's bookmarks hidden, seed {args.seed}")
    print(f"{'ranker':<22}{'precision@5':>12}{'recall@10':>11}{'NDCG@10':>9}{'coverage':>10}")
    for name, m in (("popularity baseline", base), ("recommend()", ours)):
        print(f"{name:<22}{m['precision@5']:>12.3f}{m['recall@10']:>11.3f}{m['NDCG@10']:>9.3f}"
              f"{m['coverage']:>9.0%}")
    ratio = ours["precision@5"] / base["precision@5"] if base["precision@5"] else float("inf")
    print(f"precision@5 is {ratio:.2f}x popularity (goal >= 2x); exhibitors recommended to someone: "
          f"{ours['coverage']:.0%} (goal 100%)")

    s = speed(args.batch_people, args.batch_solutions, args.seed)
    print(f"\nSpeed: {args.batch_people:,} attendees x {args.batch_solutions:,} solutions")
    print(f"model build {s['model']:.2f} s; batch of every list (top 10, with reasons) {s['batch']:.2f} s "
          f"(goal < 60 s); {s['with_reasons']:,} suggestions")
    print(f"one person's list: p50 {s['one_p50'] * 1000:.1f} ms, p95 {s['one_p95'] * 1000:.1f} ms (goal < 200 ms)")
    ok = ratio >= 2 and ours["coverage"] >= 1 and s["batch"] < 60 and s["one_p95"] < 0.2
    print("all goals met" if ok else "GOALS NOT MET")


if __name__ == "__main__":
    main()

"""Skill linking to ESCO on the TechWolf HOUSE annotations (SkillSpan sentences).

REQUIRES ../shared/data/skills (house_test_annotations.csv, skills_en_label.txt);
not shipped with the project.

    .venv/bin/python -m benchmarks.skills_linking [--data ../shared/data]

Ranks all 13,895 ESCO v1.1 skill labels with socialproof's EscoLinker
(TF-IDF over character n-grams and words) and reports ranked-retrieval
metrics as in Decorte et al. (TechWolf benchmark): R-Precision@K
(relevant in the top K / min(K, number relevant)) and MRR (reciprocal rank of
the first relevant label), at two levels:

* span: the query is the annotated skill span (sub-span when given), the gold
  its label(s) - the linking step alone, spans given;
* sentence: the query is the whole sentence, the gold every label annotated
  in it - the TechWolf set-up (extraction and linking together).

Spans labelled UNDERSPECIFIED or LABEL NOT PRESENT are left out. Nothing here is
tuned on this set: the linker has no trained parameters.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {"UNDERSPECIFIED", "LABEL NOT PRESENT"}


def _metrics(
    ranked: list[list[str]], gold: list[set[str]], ks: tuple[int, ...]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for k in ks:
        vals = [len(set(r[:k]) & g) / min(k, len(g)) for r, g in zip(ranked, gold, strict=True)]
        out[f"RP@{k}"] = 100 * sum(vals) / len(vals)
    rr = []
    for r, g in zip(ranked, gold, strict=True):
        rr.append(next((1 / (i + 1) for i, lab in enumerate(r) if lab in g), 0.0))
    out["MRR"] = 100 * sum(rr) / len(rr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    skills = args.data / "skills"
    if not (skills / "house_test_annotations.csv").is_file():
        print(f"skipped: {skills} is missing (this benchmark needs the shared data folder).")  # noqa: T201
        return
    labels = [
        x.strip()
        for x in (skills / "skills_en_label.txt").read_text("utf-8").splitlines()
        if x.strip()
    ]
    rows = list(csv.DictReader((skills / "house_test_annotations.csv").open(encoding="utf-8")))
    rows = [r for r in rows if r["label"] not in SKIP]
    span_gold: dict[str, set[str]] = defaultdict(set)
    sent_gold: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        span_gold[(r["sub_span"] or r["span"]).strip()].add(r["label"])
        sent_gold[r["sentence"]].add(r["label"])
    missing = sum(1 for g in span_gold.values() for lab in g if lab not in set(labels))

    from socialproof.market.skills import EscoLinker

    results = {}
    fit = {}
    for method in ("tfidf", "hybrid"):
        t0 = time.perf_counter()
        linker = EscoLinker(labels, method=method)
        fit[method] = time.perf_counter() - t0
        for level, gold in (("span", span_gold), ("sentence", sent_gold)):
            queries = list(gold)
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                ranked = [[lab for lab, _ in hits] for hits in linker.rank(queries, k=10)]
                times.append(time.perf_counter() - t0)
            results[(method, level)] = (
                len(queries),
                _metrics(ranked, [gold[q] for q in queries], (1, 5, 10)),
                statistics.median(times),
            )
    fits = ", ".join(f"{k} {v:.1f} s" for k, v in fit.items())
    print(  # noqa: T201
        f"HOUSE test: {len(rows)} linked spans, {len(span_gold)} distinct span queries, "
        f"{len(sent_gold)} sentences; {len(labels)} candidate ESCO labels "
        f"({missing} gold labels not in the list); index built in {fits}"
    )
    for (method, level), (n, m, t) in results.items():
        figures = ", ".join(f"{k} {v:.1f}" for k, v in m.items())
        print(  # noqa: T201
            f"{method:6s} {level:8s} n={n:4d}  {figures}  ({n / t:,.0f} queries/s, median of {args.runs})"
        )


if __name__ == "__main__":
    main()

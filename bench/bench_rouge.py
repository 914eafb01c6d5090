"""ROUGE-1/ROUGE-2 of bot.compose.summary.summarize against the Lead baseline on EASC (Wikipedia part).

    .venv/bin/python bench/bench_rouge.py [--sweep]

For every article: five human extractive summaries (MTurk).  Both systems get the same character budget
(the mean length of that article's references, then fixed 300 and 600 code points: a caption-sized and a
text-message-sized summary) and the same rules (whole sentences, no cut mid-sentence).  Tokens are
normalised (bot.compose.arabic.normalize: alef/ya/ta-marbuta folding, no diacritics, no tatweel) on both
sides; scores are F1 averaged over the five references, then over articles.  The article title is taken
from its Wikipedia URL (SOURCES.CSV), as a news article has a headline.  "Lead + fill" is the same packing
with every score equal: sentences in document order, skipping one that does not fit and trying the next.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.compose.arabic import tokens
from bot.compose.summary import DEFAULT_WEIGHTS, Weights, lead, summarize

DATA = Path(__file__).resolve().parent / "data" / "easc"


@dataclass(frozen=True)
class Doc:
    text: str
    title: str | None
    refs: tuple[str, ...]


def load() -> list[Doc]:
    titles: dict[str, str] = {}
    with (DATA / "SOURCES.CSV").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row.get("URL"):
                titles[row["Article"].strip().lower()] = unquote(row["URL"].rsplit("/", 1)[-1]).replace("_", " ")
    docs = []
    for topic in sorted((DATA / "Articles").iterdir(), key=lambda p: int(p.name[5:])):
        article = next(topic.iterdir())
        key = re.sub(r"\s*\((\d+)\)", r" \1", article.stem).strip().lower()
        refs = tuple(p.read_text(encoding="utf-8-sig") for p in sorted((DATA / "MTurk" / topic.name).iterdir()))
        docs.append(Doc(article.read_text(encoding="utf-8-sig"), titles.get(key), refs))
    return docs


def ngrams(text: str, n: int) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def rouge_f1(candidate: str, reference: str, n: int) -> float:
    cand, ref = ngrams(candidate, n), ngrams(reference, n)
    hits = sum((cand & ref).values())
    if not hits:
        return 0.0
    precision, recall = hits / sum(cand.values()), hits / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def score(docs: list[Doc], system: Callable[[Doc, int], str], budget: Callable[[Doc], int]) -> tuple[float, float]:
    r1, r2 = [], []
    for doc in docs:
        out = system(doc, budget(doc))
        r1.append(mean(rouge_f1(out, ref, 1) for ref in doc.refs))
        r2.append(mean(rouge_f1(out, ref, 2) for ref in doc.refs))
    return mean(r1), mean(r2)


def ours(weights: Weights, *, with_title: bool = True) -> Callable[[Doc, int], str]:
    return lambda d, b: summarize(d.text, b, title=d.title if with_title else None, weights=weights)


def baseline(doc: Doc, budget: int) -> str:
    return lead(doc.text, budget)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", action="store_true", help="also score a grid of weights")
    args = parser.parse_args()
    docs = load()
    budgets: dict[str, Callable[[Doc, int], int] | Callable[[Doc], int]] = {
        "reference length": lambda d: int(mean(len(r.strip()) for r in d.refs)),
        "300 chars": lambda d: 300,
        "600 chars": lambda d: 600,
    }
    print(f"EASC (Wikipedia): {len(docs)} articles, {sum(len(d.refs) for d in docs)} human summaries")
    print(f"{'budget':<18} {'system':<24} {'ROUGE-1 F':>9} {'ROUGE-2 F':>9}")
    for name, budget in budgets.items():
        l1, l2 = score(docs, baseline, budget)  # type: ignore[arg-type]
        systems = {
            "Lead + fill": ours(Weights(0.0, 0.0, 0.0)),  # order only: later sentences fill the budget
            "summarize (no title)": ours(DEFAULT_WEIGHTS, with_title=False),
            "summarize (title)": ours(DEFAULT_WEIGHTS),
        }
        print(f"{name:<18} {'Lead':<24} {l1:9.4f} {l2:9.4f}")
        for label, system in systems.items():
            s1, s2 = score(docs, system, budget)  # type: ignore[arg-type]
            print(f"{'':<18} {label:<24} {s1:9.4f} {s2:9.4f}   Δ vs Lead {s1 - l1:+.4f} / {s2 - l2:+.4f}")
    if args.sweep:
        ref_budget = budgets["reference length"]
        print("\nweights sweep at reference length (central, title, position): R1 R2")
        for central in (0.0, 0.5, 1.0):
            for title in (0.0, 0.3, 0.6, 1.0):
                for position in (0.0, 0.5, 1.0, 2.0):
                    w = Weights(central, title, position)
                    s1, s2 = score(docs, ours(w), ref_budget)  # type: ignore[arg-type]
                    print(f"  {central:.1f} {title:.1f} {position:.1f}: {s1:.4f} {s2:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

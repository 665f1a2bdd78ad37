"""How long the language guide takes on a review section, as people type.

    .venv/bin/python benchmarks/language.py

Prints CPU time (best of many runs) for a 4,000-character section checked against a directory of
500+ names, for text made only of trigger words, and, as a baseline measured in the same run, for
a plain regular-expression scan of the same text, with the ratio between the two.
"""

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from postmortems.language import check_text  # noqa: E402

CORPUS = ROOT / "tests" / "postmortems" / "language_corpus.tsv"


def best_cpu_time(function, *args, runs: int = 100) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        function(*args)
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    sentences = [
        line.rsplit("\t", 1)[-1] for line in CORPUS.read_text().splitlines() if line and not line.startswith("#")
    ]
    section = " ".join(sentences)[:4000]
    people = [f"Person{i} Surname{i}" for i in range(500)] + ["Priya Raman", "Jonas Berg", "Sam Lindqvist"]
    check_text(section, people)  # builds the directory index once, as in a running server

    baseline_pattern = re.compile(r"\b(careless|should have|who)\b", re.IGNORECASE)
    baseline = best_cpu_time(lambda text: list(baseline_pattern.finditer(text)), section)
    print(f"baseline: one plain regex over {len(section)} characters: {baseline * 1000:.3f} ms")

    cases = {
        "review section, 500+ names": section,
        "one word repeated": "a" * 4000,
        "names only": "Priya " * 660,
        "'why did you' repeated": "why did you " * 330,
        "'should have' repeated": "should have " * 330,
        "'remind the team' repeated": "remind the team " * 250,
    }
    for name, text in cases.items():
        elapsed = best_cpu_time(check_text, text, people, runs=20 if name != "review section, 500+ names" else 100)
        print(f"{name:<30} {elapsed * 1000:8.2f} ms   ({elapsed / baseline:6.1f}x baseline)")


if __name__ == "__main__":
    main()

"""How long the language guide takes: a whole review, and the live check while ten people type.

    .venv/bin/python benchmarks/language.py [--corpus PATH]

``--corpus`` builds the review from another copy of the corpus, so that two versions of the code are
timed on the same review (the corpus grows with each batch, and the review is drawn from it).

Prints, each with a baseline measured in the same run and the ratio to it:

* the CPU time to check a 5,000-word review the guide has never seen (its caches emptied first),
  and to check it again after one sentence changed (what saving a section costs);
* the live check's latency (p50, p95) while ten people type at once: each person's field grows a few
  words at a time and the whole field is sent on every pause, as the page does; ten threads in one
  process, so they also queue for the interpreter as requests to one server process would.

Targets: a 5,000-word review in <= 20 ms, the live check's p95 <= 50 ms.
"""

import os
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402

from postmortems import language  # noqa: E402
from postmortems.language import check_text  # noqa: E402
from postmortems.language.clauses import _findings_in  # noqa: E402
from postmortems.language.remedies import _prose_remedies_in  # noqa: E402
from postmortems.language.tokens import _cut_piece, sentences_in  # noqa: E402
from postmortems.views.language import live_notes  # noqa: E402

CORPUS = ROOT / "tests" / "postmortems" / "language_corpus.tsv"
PEOPLE = [f"Person{i} Surname{i}" for i in range(500)] + ["Priya Raman", "Jonas Berg", "Sam Lindqvist"]
TYPISTS = 10


def forget_everything() -> None:
    """Empties every cache kept per sentence or per piece of this text; what is kept per word stays, as in a
    server that has read other reviews (a review repeats the same few thousand words)."""
    for cached in (language._checked_sentence, _findings_in, _prose_remedies_in, sentences_in, _cut_piece):
        cached.cache_clear()


def best_cpu_time(function, *args, runs: int = 5, cold: bool = False) -> float:
    best = float("inf")
    for _ in range(runs):
        if cold:
            forget_everything()
        started = time.process_time()
        function(*args)
        best = min(best, time.process_time() - started)
    return best


def review_of(words: int, seed: int, corpus: Path = CORPUS) -> str:
    """A review of about ``words`` words, built from the corpus with the order and numbers shuffled."""
    sentences = [line.rsplit("\t", 1)[-1] for line in corpus.read_text().splitlines() if "\t" in line]
    rng = random.Random(seed)
    rng.shuffle(sentences)
    text, count = [], 0
    for sentence in sentences:
        text.append(re.sub(r"\d+", lambda _: str(rng.randint(1, 59)), sentence))
        count += len(sentence.split())
        if count >= words:
            break
    return " ".join(text)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def typing_latencies(work, texts: list[str]) -> list[float]:
    """Each of ``TYPISTS`` threads sends its field after every few words; the time each request took."""
    latencies: list[float] = []
    lock = threading.Lock()

    def person(text: str) -> None:
        words = text.split()
        for end in range(3, len(words) + 1, 3):
            started = time.perf_counter()
            work(" ".join(words[:end]))
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
            time.sleep(0.02)  # the pause that triggers the check

    threads = [threading.Thread(target=person, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> None:
    corpus = Path(sys.argv[sys.argv.index("--corpus") + 1]) if "--corpus" in sys.argv else CORPUS
    review = review_of(5000, seed=1, corpus=corpus)
    print(f"review: {len(review.split())} words, {len(review)} characters, {len(check_text(review, PEOPLE))} notes")

    baseline_pattern = re.compile(r"\b(careless|should have|who)\b", re.IGNORECASE)
    baseline = best_cpu_time(lambda text: list(baseline_pattern.finditer(text)), review, runs=20)
    print(f"baseline: one plain regular expression over the review: {baseline * 1000:.2f} ms")

    cold = best_cpu_time(check_text, review, PEOPLE, cold=True)
    print(
        f"check a 5,000-word review, never seen:        {cold * 1000:8.1f} ms ({cold / baseline:6.0f}x baseline; target 20 ms)"
    )
    edited = review.replace(".", ". Priya broke the deploy again.", 1)
    check_text(review, PEOPLE)
    warm = best_cpu_time(check_text, edited, PEOPLE)
    print(
        f"check it again after one sentence changed:    {warm * 1000:8.1f} ms ({warm / baseline:6.0f}x baseline; target 20 ms)"
    )

    fields = [review_of(120, seed=seed, corpus=corpus) for seed in range(10, 10 + TYPISTS)]
    forget_everything()
    live_notes("warm the directory of names, as a running server has it")

    def render_notes(text: str) -> None:
        render_to_string("postmortems/includes/language_notes.html", live_notes(text))

    def render_nothing(text: str) -> None:
        render_to_string("postmortems/includes/language_notes.html", {"flags": [], "checked_now": bool(text)})

    base = typing_latencies(render_nothing, fields)
    live = typing_latencies(render_notes, fields)
    base_p95, live_p95 = percentile(base, 0.95), percentile(live, 0.95)
    print(f"baseline: rendering an empty notes partial, {TYPISTS} people at once: p95 {base_p95 * 1000:.2f} ms")
    print(
        f"live check, {TYPISTS} people typing at once ({len(live)} requests): "
        f"p50 {statistics.median(live) * 1000:.1f} ms, p95 {live_p95 * 1000:.1f} ms "
        f"({live_p95 / base_p95:.0f}x baseline; target 50 ms)"
    )


if __name__ == "__main__":
    main()

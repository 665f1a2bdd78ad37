"""What ``benchmarks/pages.py`` prints: each page's figures in a table, beside the targets they are held to."""

from benchmarks.load import Result

TARGET_P95_MS = 50
TARGET_SHARE_OF_BARE = 0.1
TARGET_TRIVIAL_SHARE_OF_BARE = 0.5
BARE = "bare Django view"
TRIVIAL = "trivial view (signed in)"
REPEAT = "repeat view (304)"


def p95_note(result: Result) -> str:
    return "p95 ok" if result.p95_ms < TARGET_P95_MS else f"p95 over {TARGET_P95_MS} ms"


def verdict(result: Result, trivial: bool = False) -> str:
    if result.requests == 0:
        return "no request finished"
    share = result.share_of_bare or 0
    if trivial:
        return "ok" if share >= TARGET_TRIVIAL_SHARE_OF_BARE else f"under {TARGET_TRIVIAL_SHARE_OF_BARE:.0%} of bare"
    notes = [p95_note(result)]
    notes.append("throughput ok" if share >= TARGET_SHARE_OF_BARE else f"under {TARGET_SHARE_OF_BARE:.0%} of bare")
    if result.errors:
        notes.append(f"{result.errors} errors")
    return ", ".join(notes)


def targets_note(result: Result, offered_load: bool) -> str:
    if result.page == REPEAT:
        return p95_note(result) + f", {result.not_modified / max(result.requests, 1):.0%} answered 304"
    if offered_load:
        return p95_note(result) + (f", {result.errors} errors" if result.errors else "")
    if result.page == BARE:
        return ""
    return verdict(result, trivial=result.page == TRIVIAL)


def print_table(title: str, results: list[Result], bare_rps: float, offered_load: bool = False) -> None:
    """One row a page with its verdict; with ``offered_load`` (people who pause between pages ask for what
    they ask for, whatever the server could serve) only the p95 has a target."""
    print(f"\n{title}")
    print(f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'of bare':>8} {'cold ms':>8}  targets")
    for result in results:
        result.share_of_bare = round(result.requests_per_second / bare_rps, 3) if bare_rps else None
        print(
            f"{result.page:<22} {result.p50_ms:>8} {result.p95_ms:>8} {result.requests_per_second:>8} "
            f"{result.share_of_bare:>8} {result.cold_ms or '':>8}  {targets_note(result, offered_load)}"
        )

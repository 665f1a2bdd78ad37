"""What every panel says the same way: months, shares of decided obligations, and teams left out."""

from accounts.privacy import min_people
from dashboard.charts import Chart, format_value


def month_label(month) -> str:
    return f"{month:%b %Y}"


def share_words(share) -> str:
    return format_value(share, "percent") if share is not None else "no decided obligations yet"


def withheld_note(charts: list[Chart], teams: list[str], people: str) -> None:
    """Say beside a figure which teams it leaves out, and why (``dashboard.small_groups``)."""
    if not teams:
        return
    note = (
        f"Not shown, and not counted in any total here: {', '.join(teams)}. Fewer than {min_people()} people "
        f"({people}) are behind {'its' if len(teams) == 1 else 'their'} figures, too few to show without "
        "identifying someone."
    )
    for chart in charts:
        chart.note = f"{chart.note} {note}".strip()

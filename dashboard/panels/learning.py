"""What the reviews teach: contributing factors, near misses and the quality of reviews."""

from accounts.privacy import min_people
from dashboard.charts import Chart, Column, Series, Table, bar_chart, format_value, hbar_chart, line_chart
from dashboard.figures import RECURRENCE_THRESHOLD, RECURRENCE_WINDOW_DAYS, Filters
from dashboard.panels.common import month_label, withheld_note


def factor_charts(factors: dict, filters: Filters) -> list[Chart]:
    categories = factors["by_category"]
    recurring = [row["category"] for row in categories if row["recurring"]]
    by_category = Chart(
        slug="factor-categories",
        title="Contributing-factor categories: incidents per category",
        desc=f"{filters.period_label}: incidents whose review names a factor of each category. "
        + (
            f"Recurring (in {RECURRENCE_THRESHOLD} or more incidents within {RECURRENCE_WINDOW_DAYS} days): {', '.join(recurring)}."
            if recurring
            else "No category recurred in three or more incidents within 90 days."
        ),
        table=Table(
            [
                Column("Category"),
                Column("Incidents", "count"),
                Column(f"Most incidents within {RECURRENCE_WINDOW_DAYS} days", "count"),
                Column("Recurring"),
                Column("Recurring in the last 90 days"),
            ],
            [
                [
                    row["category"],
                    row["incidents"],
                    row["peak_90_days"],
                    "yes" if row["recurring"] else "no",
                    "yes" if row["recurring_now"] else "no",
                ]
                for row in categories
            ],
        ),
        legend=[("Category", "series-a"), ("Recurring category (also named so beside its bar)", "series-b")],
    )
    by_category.draw(
        hbar_chart,
        [(row["category"], row["incidents"], row["recurring"]) for row in categories],
    )
    top = [row["category"] for row in categories[:3]]
    counts = {(row["month"], row["category"]): row["incidents"] for row in factors["by_month"]}
    months = filters.month_starts
    names = sorted({row["category"] for row in factors["by_month"]})
    over_time = Chart(
        slug="factor-categories-by-month",
        title="The most frequent categories, month by month",
        desc=f"Incidents per month for the {len(top)} most frequent categories ({', '.join(top) or 'none yet'}); "
        "every category is in the table.",
        table=Table(
            [Column("Month", "month"), *[Column(name, "count") for name in names]],
            [[month, *[counts.get((month, name), 0) for name in names]] for month in months],
        ),
        legend=[(name, css) for name, css in zip(top, ["series-a", "series-b", "series-c"], strict=False)],
    )
    over_time.draw(
        line_chart,
        [month_label(month) for month in months],
        [
            Series(name, [counts.get((month, name), 0) for month in months], css)
            for name, css in zip(top, ["series-a", "series-b", "series-c"], strict=False)
        ],
    )
    return [by_category, over_time]


def near_miss_chart(near_misses: dict, filters: Filters) -> Chart:
    rows = near_misses["by_month"]
    chart = Chart(
        slug="near-misses",
        title="Near misses reported per month",
        desc=f"{filters.period_label}: {near_misses['total']:,} near misses reported. "
        + "; ".join(f"{month_label(row['month'])}: {row['reports']}" for row in rows[-6:]),
        table=Table(
            [Column("Month", "month"), Column("Reports", "count")], [[row["month"], row["reports"]] for row in rows]
        ),
    )
    chart.draw(
        bar_chart,
        [month_label(row["month"]) for row in rows],
        [row["reports"] for row in rows],
    )
    return chart


QUALITY_MEASURES = [
    ("with_systemic_share", "At least one systemic action item"),
    ("with_perspectives_share", "At least two perspectives"),
    ("without_open_flags_share", "No open language notes"),
]


def quality_chart(quality: dict, filters: Filters) -> Chart:
    overall = quality["overall"]
    chart = Chart(
        slug="review-quality",
        title="Review quality",
        desc=f"{filters.period_label}, {overall['reviews']:,} reviews in review or published: "
        + "; ".join(f"{label.lower()}: {format_value(overall[key], 'percent')}" for key, label in QUALITY_MEASURES)
        + f". Feedback: blameless {format_value(overall['blameless'], 'score')}, useful {format_value(overall['useful'], 'score')}"
        + f" (shown only where at least {min_people()} people answered).",
        table=Table(
            [
                Column("Team"),
                Column("Reviews", "count"),
                *[Column(label, "percent") for _, label in QUALITY_MEASURES],
                Column("Feedback responses", "count"),
                Column("Felt blameless", "score"),
                Column("Found it useful", "score"),
            ],
            [
                [
                    row["team"],
                    row["reviews"],
                    *[row[key] for key, _ in QUALITY_MEASURES],
                    None if row["answers_withheld"] else row["responses"],
                    row["blameless"],
                    row["useful"],
                ]
                for row in [*quality["by_team"], {**overall, "team": "All teams shown"}]
            ],
        ),
    )
    chart.draw(
        hbar_chart,
        [(label, overall[key], False) for key, label in QUALITY_MEASURES],
        kind="percent",
    )
    responses = overall.get("responses") or 0
    if responses:
        chart.note = (
            f"How participants rated them ({responses:,} answer{'s' if responses != 1 else ''}): "
            f"felt blameless {format_value(overall['blameless'], 'score')}, "
            f"found it useful {format_value(overall['useful'], 'score')}."
        )
    else:
        chart.note = "No participant has rated a published review in this period yet; each is asked after publishing."
    withheld_note([chart], quality.get("teams_withheld", []), "the participants and facilitators of their reviews")
    return chart

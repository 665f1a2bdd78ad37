"""Per-team figures built from people's answers are withheld for teams with too few answers.

A team row whose feedback comes from fewer than ``PRIVACY_MIN_PEOPLE`` people shows no count and no
averages, and the "all teams" total is summed over the rows that are shown, so that a withheld row
cannot be worked out by subtracting the others from the total.
"""

from accounts.privacy import enough_people

ANSWER_FIGURES = ("blameless", "useful")


def withhold_small_answer_groups(rows: list[dict], count: str = "responses", figures=ANSWER_FIGURES) -> list[dict]:
    """Mark each row ``answers_withheld`` when too few people answered, and blank its answer figures."""
    for row in rows:
        row["answers_withheld"] = not enough_people(row[count])
        if row["answers_withheld"]:
            row[count] = 0  # counts toward no total
            for name in figures:
                row[name] = None
    return rows

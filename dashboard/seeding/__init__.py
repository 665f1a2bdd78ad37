"""A realistic organisation, seeded to measure the pages at a real size (``manage.py seed_organisation``).

At scale 1: 20 teams, 400 people, 10,000 incidents with 200,000 timeline entries, 30,000 near misses,
100,000 action items and 8,000 reviews (with contributing factors, perspectives and feedback), spread over
the last three years. One module per part, seeded in the order the parts depend on each other; rows go in
with ``bulk_create`` in batches, with a progress bar per phase.
"""

import functools
from contextlib import contextmanager

from django.db import connection, transaction

import markup.fields
from dashboard.figures.parts import FIRST_FIX_READS
from dashboard.freshness import bump_version
from dashboard.seeding import action_items, incidents, near_misses, obligations, reviews, teams, timelines
from dashboard.seeding.organisation import Organisation, scaled
from fragments.versions import bump

__all__ = ["Organisation", "scaled", "seed_organisation"]


@contextmanager
def markdown_rendered_once_per_text():
    """Seeded texts repeat a few phrases; render each distinct one once instead of for every row."""
    original = markup.fields.render_markdown
    markup.fields.render_markdown = functools.lru_cache(maxsize=4096)(original)
    try:
        yield
    finally:
        markup.fields.render_markdown = original


def seed_organisation(org: Organisation) -> None:
    with transaction.atomic(), markdown_rendered_once_per_text():
        teams.seed_people(org)
        teams.seed_services(org)
        incidents.seed_incidents(org)
        timelines.seed_timelines(org)
        near_misses.seed_near_misses(org)
        reviews.seed_reviews(org)
        action_items.seed_action_items(org)
        obligations.seed_obligations(org)
    # Fresh statistics, as autovacuum would gather them soon: without them the planner guesses badly. On PostgreSQL
    # the tables are vacuumed too, as a database in use is: its visibility map lets index-only scans skip the
    # table, and autovacuum does not start on the new rows in the middle of what is measured next.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    # Rows went in without saves: raise by hand what the figures are kept under (the first fix of each weakness
    # is kept under the apps' own numbers, dashboard.figures.parts).
    bump_version()
    bump(*FIRST_FIX_READS)

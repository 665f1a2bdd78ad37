"""Contributing factors, and whether fixes stop the same class of failure coming back."""

from datetime import datetime

from django.db import connection

from actions.models import SYSTEMIC_KINDS, ActionItem, ActionStatus
from dashboard.figures.common import sql_of
from postmortems.models import ContributingFactor, Review

# --- contributing factors ---------------------------------------------------------------------


# --- fix effectiveness ------------------------------------------------------------------------


def _first_fix_sql(incidents) -> tuple[str, list]:
    """``WITH ... first_fix``: per weakness (category and service) among these incidents' factors, the moment
    its first fix was done (a systemic fix of the factor's incident, or a fix addressing the factor)."""
    incidents_sql, params = sql_of(incidents.values("pk"))
    # Deleted (soft-deleted) fixes and factors do not count. Tested as a column condition, not as
    # "id IN (live rows)", which on realistic data turned this query from seconds into many minutes.
    factors = ContributingFactor._meta.db_table
    reviews = Review._meta.db_table
    items = ActionItem._meta.db_table
    addresses = ActionItem.addresses.through._meta.db_table
    systemic = ", ".join(f"'{kind}'" for kind in sorted(SYSTEMIC_KINDS))
    done = ActionStatus.DONE.value
    # A fix's completion always follows its own incident, so "fixed before the later incident began" already
    # means "an earlier incident". That lets us keep one first-fix moment per weakness (category and service)
    # instead of pairing every factor with every earlier one.
    sql = f"""
        WITH systemic_fix AS (
            SELECT incident_id, MIN(completed_at) AS done_at FROM {items}
            WHERE status = '{done}' AND kind IN ({systemic}) AND deleted_at IS NULL
              AND incident_id IN ({incidents_sql})
            GROUP BY incident_id
        ), addressed_fix AS (
            SELECT addressed.contributingfactor_id AS factor_id, MIN(fix.completed_at) AS done_at
            FROM {addresses} addressed JOIN {items} fix ON fix.id = addressed.actionitem_id
            JOIN {factors} factor ON factor.id = addressed.contributingfactor_id
            JOIN {reviews} review ON review.id = factor.review_id
            WHERE fix.status = '{done}' AND fix.deleted_at IS NULL AND review.incident_id IN ({incidents_sql})
            GROUP BY addressed.contributingfactor_id
        ), first_fix AS (
            SELECT old_factor.category_id, old_factor.service_id,
                   MIN(LEAST(systemic_fix.done_at, addressed_fix.done_at)) AS fixed_at
            FROM {factors} old_factor
            JOIN {reviews} old_review ON old_review.id = old_factor.review_id
            LEFT JOIN systemic_fix ON systemic_fix.incident_id = old_review.incident_id
            LEFT JOIN addressed_fix ON addressed_fix.factor_id = old_factor.id
            WHERE old_factor.service_id IS NOT NULL AND old_review.incident_id IN ({incidents_sql})
              AND old_factor.deleted_at IS NULL
            GROUP BY old_factor.category_id, old_factor.service_id
        )
    """  # noqa: S608 - only our own compiled queries and constants are interpolated
    return sql, [*params, *params, *params]


def first_fixes(incidents) -> dict[tuple[int, int], datetime]:
    """The first fix of each weakness among these incidents' factors (weaknesses never fixed left out)."""
    if connection.vendor != "postgresql":
        return _first_fixes_in_python(incidents)
    first_fix, params = _first_fix_sql(incidents)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{first_fix} SELECT category_id, service_id, fixed_at FROM first_fix WHERE fixed_at IS NOT NULL", params
        )
        return {(category_id, service_id): fixed_at for category_id, service_id, fixed_at in cursor.fetchall()}


def _first_fixes_in_python(incidents) -> dict[tuple[int, int], datetime]:
    """``first_fixes`` for the embedded SQLite database: the same rule, joined in Python."""
    from django.db.models import Min

    ids = incidents.values("pk")
    systemic_done = dict(
        ActionItem.objects.filter(status=ActionStatus.DONE, kind__in=SYSTEMIC_KINDS, incident__in=ids)
        .values("incident_id")
        .annotate(done_at=Min("completed_at"))
        .values_list("incident_id", "done_at")
    )
    factors = ContributingFactor.objects.filter(service__isnull=False, review__incident__in=ids)
    addressed_done = dict(
        ActionItem.addresses.through.objects.filter(
            actionitem__status=ActionStatus.DONE,
            actionitem__in=ActionItem.objects.values("pk"),
            contributingfactor__in=factors.values("pk"),
        )
        .values("contributingfactor_id")
        .annotate(done_at=Min("actionitem__completed_at"))
        .values_list("contributingfactor_id", "done_at")
    )
    first_fix: dict[tuple[int, int], datetime] = {}
    for factor_id, category_id, service_id, incident_id in factors.values_list(
        "pk", "category_id", "service_id", "review__incident_id"
    ):
        moments = [m for m in (systemic_done.get(incident_id), addressed_done.get(factor_id)) if m is not None]
        if moments:
            weakness = (category_id, service_id)
            first_fix[weakness] = min([*moments, first_fix.get(weakness, min(moments))])
    return first_fix

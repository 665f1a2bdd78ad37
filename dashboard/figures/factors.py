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
    # instead of pairing every factor with every earlier one. Every moment a weakness was fixed (a systemic fix
    # of an incident with it, a fix addressing one of its factors) is listed once and the earliest kept: the
    # factors are read once, and the action items joined only to what they fix.
    sql = f"""
        WITH old_factor AS MATERIALIZED (
            SELECT factor.id, factor.category_id, factor.service_id, review.incident_id
            FROM {factors} factor JOIN {reviews} review ON review.id = factor.review_id
            WHERE factor.service_id IS NOT NULL AND factor.deleted_at IS NULL
              AND review.incident_id IN ({incidents_sql})
        ), systemic_fix AS (
            SELECT incident_id, MIN(completed_at) AS done_at FROM {items}
            WHERE status = '{done}' AND kind IN ({systemic}) AND deleted_at IS NULL
              AND incident_id IN (SELECT incident_id FROM old_factor)
            GROUP BY incident_id
        ), fixed AS (
            SELECT weakness.category_id, weakness.service_id, systemic_fix.done_at
            FROM (SELECT DISTINCT incident_id, category_id, service_id FROM old_factor) weakness
            JOIN systemic_fix ON systemic_fix.incident_id = weakness.incident_id
            UNION ALL
            SELECT factor.category_id, factor.service_id, fix.completed_at
            FROM {addresses} addressed JOIN old_factor factor ON factor.id = addressed.contributingfactor_id
            JOIN {items} fix ON fix.id = addressed.actionitem_id
            WHERE fix.status = '{done}' AND fix.deleted_at IS NULL
        ), first_fix AS (
            SELECT category_id, service_id, MIN(done_at) AS fixed_at FROM fixed GROUP BY category_id, service_id
        )
    """  # noqa: S608 - only our own compiled queries and constants are interpolated
    return sql, list(params)


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

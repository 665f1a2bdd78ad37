from celery import current_app
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from health.tasks import WORKER_HEARTBEAT_KEY


def database_is_reachable() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return False, type(exc).__name__
    return True, "ok"


def broker_is_reachable() -> tuple[bool, str]:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = database_is_reachable()
    broker_ok, broker_detail = broker_is_reachable()
    try:
        worker_seen = cache.get(WORKER_HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001 - the cache being down is reported by the broker check
        worker_seen = None
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": db_detail,
            "broker": broker_detail,
            "worker_last_seen": worker_seen,
        },
        status=200 if healthy else 503,
    )

from celery import shared_task

from accounts.sessions import remove_expired_sessions


@shared_task
def clear_expired_sessions() -> int:
    """Periodic: sessions that timed out or were abandoned leave the database."""
    return remove_expired_sessions()

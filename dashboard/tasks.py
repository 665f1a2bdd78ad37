from celery import shared_task

from accounts.models import Team, User
from dashboard.figures import make_filters, refresh


@shared_task
def recompute_figures(user_id: int, team_id: int | None, period: str) -> None:
    """Bring one set of dashboard figures up to date after a change, while viewers get the last ones."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    refresh(user, make_filters(team, period))

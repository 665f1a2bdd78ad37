import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone we know (try a name like Europe/Berlin).")


class Role(models.TextChoices):
    ENGINEER = "engineer", "Engineer"
    FACILITATOR = "facilitator", "Facilitator"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


class User(AbstractUser):
    """A person who signs in. Times are shown to them in ``time_zone``."""

    display_name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class Meta:
        ordering = ["display_name", "username"]

    def __str__(self) -> str:
        return self.name

    # What ``name`` reads: a list showing only names loads only these (``.only(*User.NAME_FIELDS)``).
    NAME_FIELDS = ("display_name", "first_name", "last_name", "username")

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def memberships_by_team(self) -> dict[int, str]:
        return dict(self.memberships.values_list("team_id", "role"))

    def has_role(self, role: str, team=None) -> bool:
        """True when the person holds ``role`` in ``team`` (or in any team when ``team`` is None).

        Admins (and superusers) hold every role in every team.
        """
        if self.is_org_admin:
            return True
        roles = self.memberships_by_team
        if team is None:
            return role in roles.values()
        team_id = team if isinstance(team, int) else team.pk
        return roles.get(team_id) == role

    @property
    def is_org_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.memberships_by_team.values()

    @property
    def team_ids(self) -> list[int]:
        return list(self.memberships_by_team)


class Team(models.Model):
    """A group that owns services and responds to incidents together."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(User, through="Membership", related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ENGINEER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team")]
        ordering = ["team__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"

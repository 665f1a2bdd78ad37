import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.text import slugify

from accounts.models import Team
from alerts.models import AlertSource, SourceKind


class Command(BaseCommand):
    help = "Allow a monitoring system to open incidents for a team; prints its address and secret."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Such as “Production Alertmanager”.")
        parser.add_argument("--kind", required=True, choices=SourceKind.values)
        parser.add_argument("--team", required=True, help="The team's slug: incidents are opened for it.")
        parser.add_argument("--severity", default="sev3", help="When an alert says nothing we map (sev1–sev4).")
        parser.add_argument("--secret", help="PagerDuty makes the secret itself: pass it here. Others get a new one.")

    def handle(self, *args, name, kind, team, severity, secret, **options):
        try:
            team = Team.objects.get(slug=team)
        except Team.DoesNotExist:
            raise CommandError(f"No team with the slug {team!r}.") from None
        slug = slugify(name)
        if AlertSource.objects.filter(slug=slug).exists():
            raise CommandError(f"An alert source called {slug!r} exists already.")
        source = AlertSource.objects.create(
            name=name, slug=slug, kind=kind, team=team, severity=severity, secret=secret or secrets.token_urlsafe(32)
        )
        self.stdout.write(f"Address: {settings.SITE_URL}{reverse('alert_hook', args=[source.slug])}")
        self.stdout.write(f"Secret:  {source.secret}")

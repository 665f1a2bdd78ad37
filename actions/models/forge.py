"""Forge web hooks: the secrets organisations sign with, and each delivery recorded once."""

from django.db import models
from django.utils import timezone


class Forge(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITLAB = "gitlab", "GitLab"


class ForgeSecret(models.Model):
    """The web hook secret one forge organisation (GitHub organisation, GitLab group) signs its deliveries with.

    ``FORGE_WEBHOOK_SECRETS`` in the environment takes precedence over a row here.
    """

    forge = models.CharField(max_length=10, choices=Forge.choices)
    organisation = models.SlugField(
        max_length=100, help_text="As in the web hook address: /hooks/<forge>/<organisation>/."
    )
    secret = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["forge", "organisation"], name="one_secret_per_forge_org")]

    def __str__(self) -> str:
        return f"{self.get_forge_display()} {self.organisation}"


class ForgeDelivery(models.Model):
    """One web hook delivery, recorded by its id so that a replay changes nothing a second time."""

    forge = models.CharField(max_length=10, choices=Forge.choices)
    delivery_id = models.CharField(max_length=100)
    organisation = models.CharField(max_length=100)
    outcome = models.CharField(max_length=200)
    landed = models.ForeignKey("actions.ActionItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "forge deliveries"
        constraints = [models.UniqueConstraint(fields=["forge", "delivery_id"], name="process_a_delivery_once")]

    def __str__(self) -> str:
        return f"{self.forge} {self.delivery_id}: {self.outcome}"

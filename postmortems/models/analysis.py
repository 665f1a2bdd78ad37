"""What a review learned: contributing factors and their categories, improvement opportunities, and the language
flags the facilitator decided do not apply."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from audit.models import Versioned, recorded_person
from audit.soft_delete import SoftDeletable
from incidents.models import Service, TimelineEntry
from markup.fields import RenderedMarkdownField
from markup.notes import LanguageNotesField
from markup.plain import shorten
from postmortems.models.reviews import Review


class Depth(models.TextChoices):
    """How far below the event a factor lies (the iceberg)."""

    EVENT = "event", "Event"
    PATTERN = "pattern", "Pattern"
    STRUCTURE = "structure", "Structure"
    MENTAL_MODEL = "mental_model", "Mental model"


class FactorCategory(models.Model):
    """A kind of weakness in the system. Admins can add categories; seeded with the common ones."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "factor categories"

    def __str__(self) -> str:
        return self.name


class ContributingFactor(SoftDeletable, Versioned):
    """A condition of the system that made the failure possible."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="factors")
    description = models.TextField(help_text="A condition of the system, not a person's act.")
    description_html = RenderedMarkdownField(source="description")
    language_notes = LanguageNotesField(sources=("description",))
    category = models.ForeignKey(FactorCategory, on_delete=models.PROTECT, related_name="factors")
    depth = models.CharField(max_length=20, choices=Depth.choices, default=Depth.EVENT)
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributing_factors"
    )
    timeline_entries = models.ManyToManyField(TimelineEntry, blank=True, related_name="contributing_factors")
    created_by = recorded_person()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["category", "service"])]

    def __str__(self) -> str:
        return shorten(self.description, 80)


class ImprovementOpportunity(Versioned):
    """A question that opens the way to a change: "How might we …?"."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="opportunities")
    question = models.CharField(max_length=300)
    language_notes = LanguageNotesField(sources=("question",))
    created_by = recorded_person()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "improvement opportunities"

    def __str__(self) -> str:
        return self.question

    def clean(self) -> None:
        if not self.question.strip().lower().startswith("how might we"):
            raise ValidationError({"question": "Frame it as a question that starts with “How might we …”."})


class FlagDismissal(models.Model):
    """The facilitator's decision that a language flag does not apply here, with the reason."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="dismissals")
    key = models.CharField(max_length=200)
    rule = models.CharField(max_length=40)
    excerpt = models.CharField(max_length=300)
    reason = models.CharField(max_length=500)
    dismissed_by = recorded_person()
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dismissed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "key"], name="dismiss_a_flag_once")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.excerpt}"

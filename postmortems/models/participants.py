"""What the people in a review write about it: their own accounts (perspectives) and their feedback on the review."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from audit.models import Versioned
from markup.fields import RenderedMarkdownField
from markup.notes import LanguageNotesField
from postmortems.models.reviews import Review


class Perspective(Versioned):
    """One participant's own account. Private to its author until the facilitator reveals perspectives."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="perspectives")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="perspectives")
    saw = models.TextField("what I saw", blank=True)
    saw_html = RenderedMarkdownField(source="saw")
    knew = models.TextField("what I knew", blank=True)
    knew_html = RenderedMarkdownField(source="knew")
    assumed = models.TextField("what I assumed", blank=True)
    assumed_html = RenderedMarkdownField(source="assumed")
    pressure = models.TextField("what pressure I was under", blank=True)
    pressure_html = RenderedMarkdownField(source="pressure")
    language_notes = LanguageNotesField(sources=("saw", "knew", "assumed", "pressure"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TEXT_FIELDS = ("saw", "knew", "assumed", "pressure")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "author"], name="one_perspective_per_person")]

    def __str__(self) -> str:
        return f"Perspective on review {self.review_id}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in self.TEXT_FIELDS)


class ReviewFeedback(models.Model):
    """A participant's view of the review itself, asked after publishing. Shown only as a summary."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blameless = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    useful = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "author"], name="feedback_once_per_person"),
            models.CheckConstraint(condition=Q(blameless__gte=1, blameless__lte=5), name="blameless_1_to_5"),
            models.CheckConstraint(condition=Q(useful__gte=1, useful__lte=5), name="useful_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"Feedback on review {self.review_id}"

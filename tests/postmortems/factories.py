import factory

from postmortems.models import ContributingFactor, Depth, FactorCategory, ImprovementOpportunity, Perspective, Review
from tests.incidents.factories import IncidentFactory


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review
        skip_postgeneration_save = True

    incident = factory.SubFactory(IncidentFactory)
    title = factory.LazyAttribute(lambda review: review.incident.title if review.incident else "A near miss")
    team = factory.LazyAttribute(lambda review: review.incident.team if review.incident else None)
    summary = "We deployed a configuration change that halved the database connection pool."

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.participants.add(*extracted)


def category(slug: str = "missing-guardrail") -> FactorCategory:
    """A seeded category; recreated when a transactional test has flushed the seed data."""
    name = slug.replace("-", " ").capitalize()
    return FactorCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]


class ContributingFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContributingFactor

    review = factory.SubFactory(ReviewFactory)
    description = factory.Sequence(lambda n: f"Nothing checked the pool size against the database limit ({n}).")
    category = factory.LazyFunction(category)
    depth = Depth.STRUCTURE


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementOpportunity

    review = factory.SubFactory(ReviewFactory)
    question = factory.Sequence(lambda n: f"How might we validate configuration before it ships ({n})?")


class PerspectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perspective

    review = factory.SubFactory(ReviewFactory)
    saw = "The error-rate alert fired at 02:14; the dashboard showed only the web tier."
    knew = "The pool size had been changed in the morning."
    assumed = "The change was limited to staging."
    pressure = "A release was waiting behind this one."

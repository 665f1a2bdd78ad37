"""Reviews of most incidents and some near misses, with perspectives, contributing factors and feedback."""

from datetime import UTC, datetime, timedelta

from dashboard.seeding.organisation import Organisation
from dashboard.seeding.texts import FACTORS
from incidents.models import Disposition
from postmortems.models import (
    ContributingFactor,
    Depth,
    FactorCategory,
    Perspective,
    Review,
    ReviewFeedback,
    ReviewStatus,
)


def seed_reviews(org: Organisation) -> None:
    total = org.counts["reviews"]
    categories = list(FactorCategory.objects.filter(active=True))
    candidates = [i for i in org.incidents if i.mitigated_at and i.disposition == Disposition.NONE]
    incident_reviews = min(len(candidates), round(total * 0.9))
    chosen = org.random.sample(candidates, incident_reviews)
    near_reviews = org.random.sample(org.near_misses, min(len(org.near_misses), total - incident_reviews))
    reviews = []
    for incident in chosen:
        age = org.now - incident.impact_started_at
        status = ReviewStatus.PUBLISHED
        if age < timedelta(days=3):
            status = ReviewStatus.DRAFT
        elif age < timedelta(days=14):
            status = org.random.choice([ReviewStatus.MEETING, ReviewStatus.IN_REVIEW, ReviewStatus.PUBLISHED])
        published = incident.impact_started_at + timedelta(days=org.random.uniform(3, 10))
        reviews.append(
            Review(
                incident=incident,
                title=incident.title,
                team_id=incident.team_id,
                facilitator_id=incident.facilitator_id,
                status=status,
                summary=f"{incident.title}. Impact began {incident.impact_started_at:%d %b %Y %H:%M} UTC.",
                impact="Checkout failed for some customers for part of the incident.",
                went_well="The alert fired within minutes and the rollback was quick.",
                got_lucky="The incident began outside peak hours.",
                meeting_at=incident.impact_started_at + timedelta(days=2),
                published_at=min(published, org.now) if status == ReviewStatus.PUBLISHED else None,
                search_document=incident.title,
            )
        )
    for near_miss in near_reviews:
        reviews.append(
            Review(
                near_miss=near_miss,
                title=near_miss.what_almost_happened[:200],
                team_id=near_miss.team_id,
                status=ReviewStatus.PUBLISHED,
                summary=near_miss.what_almost_happened,
                published_at=datetime.combine(near_miss.filed_on, datetime.min.time(), tzinfo=UTC) + timedelta(days=5),
            )
        )
    org.reviews = org.bulk(Review, reviews, "Reviews")
    team_of = {r.pk: r.team_id for r in org.reviews}

    def perspectives():
        for review in org.reviews:
            for author in org.random.sample(org.members[team_of[review.pk]], org.random.choice([1, 2, 2, 3, 4])):
                yield Perspective(
                    review_id=review.pk,
                    author_id=author,
                    saw="The error rate climbing on the payments dashboard.",
                    knew="A deploy had gone out twenty minutes earlier.",
                    assumed="That the deploy was unrelated, because its canary was green.",
                    pressure="A release freeze started the next morning.",
                )

    org.bulk(Perspective, perspectives(), "Perspectives", round(len(org.reviews) * 2.4))
    factors = []
    for review in org.reviews:
        services = org.services_by_team[team_of[review.pk]]
        for _ in range(org.random.choice([1, 2, 2, 3])):
            factors.append(
                ContributingFactor(
                    review_id=review.pk,
                    description=org.random.choice(FACTORS),
                    category=org.random.choice(categories),
                    depth=org.random.choice(list(Depth.values)),
                    service=org.random.choice(services),
                )
            )
    org.factors = org.bulk(ContributingFactor, factors, "Contributing factors")
    org.factors_by_review = {}
    for factor in org.factors:
        org.factors_by_review.setdefault(factor.review_id, []).append(factor)
    feedback = []
    for review in org.reviews:
        if review.status != ReviewStatus.PUBLISHED or org.random.random() < 0.4:
            continue
        for author in org.random.sample(org.members[team_of[review.pk]], 2):
            feedback.append(
                ReviewFeedback(
                    review_id=review.pk,
                    author_id=author,
                    blameless=org.random.choice([3, 4, 4, 5, 5]),
                    useful=org.random.choice([2, 3, 4, 4, 5]),
                )
            )
    org.bulk(ReviewFeedback, feedback, "Review feedback")
    org.review_of_incident = {r.incident_id: r for r in org.reviews if r.incident_id}

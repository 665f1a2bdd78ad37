from django.db import migrations

CATEGORIES = [
    ("missing-guardrail", "Missing guardrail", "Nothing stopped a risky action or caught it early."),
    ("unclear-ownership", "Unclear ownership", "It was not clear who looks after this part of the system."),
    ("undocumented-assumption", "Undocumented assumption", "Something we relied on was never written down."),
    ("brittle-tooling", "Brittle or confusing tooling", "The tools made the wrong step easy or the right one hard."),
    ("process-gap", "Process gap", "Our way of working left a step out or invited a slip."),
    ("observability-gap", "Observability gap", "We could not see what the system was doing in time."),
    ("capacity", "Capacity", "The system or the team ran out of room."),
    ("external-dependency", "External dependency", "Something outside our control behaved differently than expected."),
    ("communication", "Communication", "Information did not reach the people who needed it when they needed it."),
]


def seed(apps, schema_editor):
    FactorCategory = apps.get_model("postmortems", "FactorCategory")
    for position, (slug, name, description) in enumerate(CATEGORIES, start=1):
        FactorCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position * 10}
        )


def unseed(apps, schema_editor):
    FactorCategory = apps.get_model("postmortems", "FactorCategory")
    FactorCategory.objects.filter(slug__in=[slug for slug, _, _ in CATEGORIES], factors__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

from django.db import migrations

# The library searches title and the published text with PostgreSQL full-text search;
# this expression index matches the SearchVector used in postmortems.search.search_reviews (until 0006).
CREATE = """
CREATE INDEX IF NOT EXISTS postmortems_review_search_idx ON postmortems_review
USING GIN ((setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') ||
            setweight(to_tsvector('english'::regconfig, COALESCE(search_document, '')), 'B')))
"""
DROP = "DROP INDEX IF EXISTS postmortems_review_search_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0002_seed_factor_categories")]

    operations = [migrations.RunPython(create_index, drop_index)]

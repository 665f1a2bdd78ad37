from django.db import migrations

# The library searches the title and the published text with people replaced by roles
# (postmortems.search), so the index reads search_title instead of the title column.
CREATE = """
CREATE INDEX IF NOT EXISTS postmortems_review_search_idx ON postmortems_review
USING GIN ((setweight(to_tsvector('english'::regconfig, COALESCE(search_title, '')), 'A') ||
            setweight(to_tsvector('english'::regconfig, COALESCE(search_document, '')), 'B')))
"""
CREATE_OLD = """
CREATE INDEX IF NOT EXISTS postmortems_review_search_idx ON postmortems_review
USING GIN ((setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') ||
            setweight(to_tsvector('english'::regconfig, COALESCE(search_document, '')), 'B')))
"""
DROP = "DROP INDEX IF EXISTS postmortems_review_search_idx"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(CREATE)
    # Reviews published before this held names in their search text: index them again without people.
    historical = apps.get_model("postmortems", "Review")
    if historical.objects.filter(status="published").exists():
        from django.core.management import call_command

        call_command("rebuild_library_index")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(CREATE_OLD)


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0005_published_snapshot_and_amendments")]

    operations = [migrations.RunPython(forward, backward)]

"""Importing a chat transcript: preview, adjust, save; unreadable lines shown; large pastes refused."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from incidents.models import TimelineEntry
from incidents.transcripts import MAX_BYTES, MAX_LINES

pytestmark = pytest.mark.django_db

PASTE = "[14:02] priya: checkout errors at 4%\nsomeone joined the channel\n[14:05] jonas: rolling back 812\n"


def preview(client, incident, transcript=PASTE, day="2026-03-01", **headers):
    return client.post(
        reverse("timeline_import", args=[incident.pk]),
        {"step": "preview", "transcript": transcript, "day": day},
        **headers,
    )


def rows_data(response, **changes):
    """The preview's rows as the browser would send them back, with some fields changed."""
    rows = response.context["rows"]
    data = {"step": "save", "transcript": PASTE, "day": "2026-03-01"}
    for key, value in rows.management_form.initial.items():
        data[f"rows-{key}"] = value
    for index, form in enumerate(rows.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "occurred_at" and value:
                value = value.strftime("%Y-%m-%dT%H:%M:%S")
            if name == "include":
                if value:
                    data[f"rows-{index}-include"] = "on"
                continue
            data[f"rows-{index}-{name}"] = "" if value is None else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_paste_page_offers_the_day_of_the_incident(client, engineer, incident):
    client.force_login(engineer)
    page = client.get(reverse("timeline_import", args=[incident.pk])).text
    assert f'value="{incident.impact_started_at:%Y-%m-%d}"' in page
    assert "Up to 200 KB and 2,000 lines" in page


def test_preview_shows_entries_and_unreadable_lines_then_saves_the_ticked_ones(client, engineer, incident):
    client.force_login(engineer)
    response = preview(client, incident)
    assert response.status_code == 200
    assert "priya: checkout errors at 4%" in response.text
    assert "someone joined the channel" in response.text
    assert "Not read: No time at the start of the line." in response.text
    assert not TimelineEntry.objects.exists()  # nothing saved by a preview

    data = rows_data(
        response,
        **{"rows-1-text": "jonas: rolling back deploy 812", "rows-1-kind": "action", "rows-0-include": None},
    )
    saved = client.post(reverse("timeline_import", args=[incident.pk]), data)
    assert saved.status_code == 302 and saved.url.endswith("#timeline")
    entry = TimelineEntry.objects.get()
    assert (entry.text, entry.kind, entry.author) == ("jonas: rolling back deploy 812", "action", engineer)
    assert entry.occurred_at == datetime(2026, 3, 1, 14, 5, tzinfo=UTC)


def test_an_unreadable_line_can_be_kept_by_giving_it_a_time(client, engineer, incident):
    client.force_login(engineer)
    response = preview(client, incident)
    missing_time = rows_data(response, **{"rows-2-include": "on"})
    refused = client.post(reverse("timeline_import", args=[incident.pk]), missing_time)
    assert refused.status_code == 422
    assert "Give this entry a time, or leave it out." in refused.text
    assert "someone joined the channel" in refused.text
    assert not TimelineEntry.objects.exists()

    with_time = rows_data(response, **{"rows-2-include": "on", "rows-2-occurred_at": "2026-03-01T14:03"})
    client.post(reverse("timeline_import", args=[incident.pk]), with_time, HTTP_HX_REQUEST="true")
    assert TimelineEntry.objects.count() == 3


def test_saving_with_nothing_ticked_says_so(client, engineer, incident):
    client.force_login(engineer)
    response = preview(client, incident)
    data = rows_data(response, **{"rows-0-include": None, "rows-1-include": None})
    refused = client.post(reverse("timeline_import", args=[incident.pk]), data)
    assert refused.status_code == 422
    assert "Tick at least one row" in refused.text


def test_htmx_preview_answers_the_import_partial_and_save_redirects_the_page(client, engineer, incident):
    client.force_login(engineer)
    response = preview(client, incident, HTTP_HX_REQUEST="true")
    assert response.text.strip().startswith('<form id="import"')
    saved = client.post(reverse("timeline_import", args=[incident.pk]), rows_data(response), HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert saved["HX-Redirect"] == incident.get_absolute_url() + "#timeline"
    assert TimelineEntry.objects.count() == 2


def test_slack_export_preview(client, engineer, incident):
    client.force_login(engineer)
    export = json.dumps([{"ts": "1772373720.0", "text": "failing over", "user_profile": {"real_name": "Sam"}}])
    response = preview(client, incident, transcript=export)
    assert "Sam: failing over" in response.text


@pytest.mark.parametrize(
    "transcript, message",
    [
        ("x" * (MAX_BYTES + 1), "we take up to 200 KB and 2,000 lines"),
        ("[14:02] a: b\n" * (MAX_LINES + 1), "2,001 lines"),
        ("   \n", "Paste the transcript here."),
    ],
)
def test_large_or_empty_pastes_are_refused_with_the_limit(client, engineer, incident, transcript, message):
    client.force_login(engineer)
    response = preview(client, incident, transcript=transcript, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert message in response.text
    assert not TimelineEntry.objects.exists()


def test_outsider_cannot_import(client, outsider, incident):
    client.force_login(outsider)
    assert client.get(reverse("timeline_import", args=[incident.pk])).status_code == 403
    assert preview(client, incident).status_code == 403


def test_a_long_transcript_can_be_previewed_and_saved(client, engineer, incident, settings):
    # Each preview row sends six fields; Django's default of 1,000 fields would stop at 166 rows.
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= 6 * MAX_LINES + 10
    client.force_login(engineer)
    count = 400
    transcript = "\n".join(f"2026-03-01 10:{n // 60:02d}:{n % 60:02d} bot: tick {n}" for n in range(count))
    response = preview(client, incident, transcript=transcript)
    assert response.status_code == 200
    data = rows_data(response)
    data["transcript"] = transcript
    saved = client.post(reverse("timeline_import", args=[incident.pk]), data)
    assert saved.status_code == 302
    assert TimelineEntry.objects.count() == count

"""Nobody removes incidents, timeline entries, factors or action items for good; admins restore them."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from incidents.models import Incident, TimelineEntry
from tests.incidents.factories import TimelineEntryFactory

pytestmark = pytest.mark.django_db


def changelist(model: str) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_changelist")


def test_admin_deletes_softly_and_restores(client, site_admin, engineer, incident):
    client.force_login(site_admin)
    url = changelist("incidents.incident")
    assert incident.title in client.get(url).text

    # No hard delete: neither the delete page nor the bulk "delete selected" action.
    assert client.get(reverse("admin:incidents_incident_delete", args=[incident.pk])).status_code == 403
    response = client.post(url, {"action": "delete_selected", "_selected_action": [incident.pk]})
    assert Incident.all_objects.filter(pk=incident.pk, deleted_at__isnull=True).exists()

    response = client.post(url, {"action": "soft_delete_selected", "_selected_action": [incident.pk]}, follow=True)
    assert "Deleted 1 (they can be restored)." in response.text
    deleted = Incident.all_objects.get(pk=incident.pk)
    assert deleted.deleted_by == site_admin
    assert incident.title not in client.get(url).text  # the list shows present rows by default
    assert incident.title in client.get(url, {"deleted": "yes"}).text
    change_page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    assert change_page.status_code == 200 and "Alex Morgan" in change_page.text  # deleted by

    response = client.post(
        url + "?deleted=yes", {"action": "restore_selected", "_selected_action": [incident.pk]}, follow=True
    )
    assert "Restored 1." in response.text
    assert Incident.objects.filter(pk=incident.pk).exists()
    restored = AuditEvent.objects.filter(object_id=incident.pk, action=Action.RESTORED).get()
    assert restored.actor == site_admin

    client.force_login(engineer)
    page = client.get(incident.get_absolute_url()).text
    assert "Alex Morgan</span> restored this incident" in page
    assert "Alex Morgan</span> deleted this incident" in page


def test_timeline_entries_can_be_restored_from_the_admin(client, site_admin, engineer, incident):
    entry = TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.")
    entry.soft_delete(by=engineer)
    client.force_login(site_admin)
    url = changelist("incidents.timelineentry")
    assert entry.text[:40] in client.get(url, {"deleted": "yes"}).text
    client.post(url + "?deleted=yes", {"action": "restore_selected", "_selected_action": [entry.pk]})
    assert incident.timeline.filter(pk=entry.pk).exists()
    assert TimelineEntry.objects.get(pk=entry.pk).deleted_by is None


def test_the_trail_itself_cannot_be_edited_in_the_admin(client, site_admin, incident):
    client.force_login(site_admin)
    event = AuditEvent.objects.first()
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403


def test_only_admins_restore(client, manager, engineer, incident):
    from django.contrib.auth.models import Permission

    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_incident", "change_incident"]))
    incident.soft_delete(by=engineer)
    client.force_login(manager)
    url = changelist("incidents.incident") + "?deleted=yes"
    response = client.post(url, {"action": "restore_selected", "_selected_action": [incident.pk]}, follow=True)
    assert "Only admins restore deleted records." in response.text
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert not AuditEvent.objects.filter(action=Action.RESTORED).exists()


def test_rows_shown_inside_their_parent_offer_no_hard_delete(client, site_admin, entry, factor):
    client.force_login(site_admin)
    for page_name, parent, rows in [
        ("incidents_incident", entry.incident, "timeline"),
        ("postmortems_review", factor.review, "factors"),
    ]:
        page = client.get(reverse(f"admin:{page_name}_change", args=[parent.pk])).text
        assert f'name="{rows}-0-id"' in page and f'name="{rows}-0-DELETE"' not in page


def test_the_version_is_shown_in_the_admin_never_typed(client, site_admin, entry, factor, action_item):
    client.force_login(site_admin)
    for page_name, obj in [
        ("incidents_incident", entry.incident),
        ("incidents_timelineentry", entry),
        ("postmortems_contributingfactor", factor),
        ("actions_actionitem", action_item),
    ]:
        page = client.get(reverse(f"admin:{page_name}_change", args=[obj.pk])).text
        assert 'name="version"' not in page and "Version:" in page

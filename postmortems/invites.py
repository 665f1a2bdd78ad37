"""The calendar invitation to a review meeting (an iCalendar file built with the icalendar library)."""

from datetime import UTC, timedelta

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from postmortems.models import AGENDA, Review


def _person(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    address.params.update(params)
    return address


def meeting_invite(review: Review, url: str, host: str) -> str:
    """An iCalendar (.ics) invitation to the review meeting, with the participants as attendees."""
    if not review.meeting_at:
        raise ValueError("The meeting has no time yet.")
    start = review.meeting_at.astimezone(UTC)
    agenda = " → ".join(section.label for section in AGENDA)
    # Calendars are read by assistants and shown in shared free/busy views: a restricted incident's
    # invite carries no title, and only people who may see the incident are invited.
    restricted = bool(review.incident_id and review.incident.restricted)
    subject = "a restricted incident (open the link to see it)" if restricted else f"“{review.title}”"
    event = Event()
    event.add("uid", f"review-{review.pk}@{host}")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    # Rises with every change, so calendars replace the earlier invitation instead of adding a second.
    event.add("sequence", int(review.updated_at.timestamp()))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=review.meeting_minutes))
    event.add("summary", "Review meeting" if restricted else f"Review: {review.title}")
    event.add(
        "description",
        f"Blameless review of {subject}. We look at how the system let this happen, not at who.\n"
        f"Agenda: {agenda}.\nPlease write your own perspective before the meeting: {url}",
    )
    event.add("url", url)
    if review.meeting_place:
        event.add("location", review.meeting_place)
    if review.facilitator and review.facilitator.email:
        event.add("organizer", _person(review.facilitator.email, review.facilitator.name))
    attendees = review.participants.all()
    if review.incident_id:
        attendees = review.incident.audience(attendees)
    for person in attendees:
        if person.email:
            attendee = _person(person.email, person.name, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE")
            event.add("attendee", attendee, encode=0)
    calendar = Calendar()
    calendar.add("prodid", "-//Post-mortems//Review meeting//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    calendar.add_component(event)
    return calendar.to_ical().decode()

"""Reading the audit trail: a page's events, turned into sentences people can scan."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime

from audit.models import Action, AuditEvent
from audit.registry import Tracked, tracked

RECENT = 20


@dataclass
class ChangeLine:
    label: str
    old: object = None
    new: object = None
    long: bool = False
    kind: str = "text"  # text, datetime, date, bool, list

    @property
    def added(self) -> list:
        return [name for name in self.new or [] if name not in (self.old or [])]

    @property
    def removed(self) -> list:
        return [name for name in self.old or [] if name not in (self.new or [])]


@dataclass
class HistoryLine:
    event: AuditEvent
    actor: str
    verb: str
    subject: str
    own: bool
    changes: list[ChangeLine] = field(default_factory=list)


def events_for(obj) -> models.QuerySet:
    """Every event shown on ``obj``'s page (its own and those of the rows belonging to it), newest first."""
    return (
        AuditEvent.objects.filter(scope_type=ContentType.objects.get_for_model(type(obj)), scope_id=obj.pk)
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def recent_history(obj, limit: int = RECENT) -> tuple[list[HistoryLine], bool]:
    """The latest ``limit`` lines of ``obj``'s history, and whether there are older ones (one query)."""
    events = list(events_for(obj)[: limit + 1])
    return lines_for(obj, events[:limit]), len(events) > limit


VERBS = {
    Action.CREATED: ("created", "added"),
    Action.CHANGED: ("changed", "changed"),
    Action.DELETED: ("deleted", "removed"),
    Action.RESTORED: ("restored", "restored"),
}


def lines_for(scope_obj, events) -> list[HistoryLine]:
    scope_type = ContentType.objects.get_for_model(type(scope_obj))
    lines = []
    for event in events:
        content_type = ContentType.objects.get_for_id(event.content_type_id)
        model = content_type.model_class()
        config = tracked(model) if model is not None else None
        own = event.content_type_id == scope_type.pk and event.object_id == scope_obj.pk
        noun = str(model._meta.verbose_name) if model is not None else content_type.model
        verb = VERBS.get(event.action, (event.action, event.action))[0 if own else 1]
        subject = f"this {noun}" if own else f"the {noun} “{_short(event.object_repr)}”"
        lines.append(
            HistoryLine(
                event=event,
                actor=event.actor.name if event.actor_id and event.actor else "The system",
                verb=verb,
                subject=subject,
                own=own,
                changes=[_change_line(config, name, values) for name, values in (event.changes or {}).items()],
            )
        )
    return lines


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _change_line(config: Tracked | None, name: str, values) -> ChangeLine:
    old, new = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
    if config is None:
        return ChangeLine(label=name.replace("_", " "), old=old, new=new)
    model_field = config.field(name)
    line = ChangeLine(label=config.label(name), long=config.is_long(name))
    if isinstance(model_field, models.ManyToManyField):
        line.kind = "list"
    elif isinstance(model_field, models.DateTimeField):
        line.kind, old, new = "datetime", _parse(parse_datetime, old), _parse(parse_datetime, new)
    elif isinstance(model_field, models.DateField):
        line.kind, old, new = "date", _parse(parse_date, old), _parse(parse_date, new)
    elif isinstance(model_field, models.BooleanField):
        line.kind = "bool"
    line.old, line.new = old, new
    return line


def _parse(parser, value) -> datetime | date | None:
    if not isinstance(value, str):
        return None
    try:
        return parser(value)
    except ValueError:
        return None

"""The tracker: models registered here get an audit event for every create, change and delete.

Each app registers its own models from its ``AppConfig.ready`` (``track(Incident, fields=[...])``),
so this app never imports the apps above it. A change is found by reading the tracked columns of
the row just before it is saved (one small query per save) and comparing them with what is saved.
Near misses are never registered: an anonymous reporter must leave no trace anywhere.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from audit.context import current_actor, current_unit
from audit.models import Action, AuditEvent

# Long text is recorded in full but shown as "changed the summary" rather than as a diff.
LONG_TEXT_LIMIT = 20_000
UNSET = object()


@dataclass
class Tracked:
    """How one model is tracked: its fields, the page its events belong to, and who may read them."""

    model: type[models.Model]
    fields: list[str]
    m2m: list[str]
    scope: str | None
    access: Callable | None
    describe: Callable | None = None
    _fields: dict[str, models.Field] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._fields = {name: self.model._meta.get_field(name) for name in self.fields + self.m2m}

    def field(self, name: str) -> models.Field | None:
        return self._fields.get(name)

    def label(self, name: str) -> str:
        model_field = self._fields.get(name)
        return str(model_field.verbose_name) if model_field is not None else name.replace("_", " ")

    def is_long(self, name: str) -> bool:
        return isinstance(self._fields.get(name), models.TextField)

    def describe_object(self, obj) -> str:
        return str(self.describe(obj) if self.describe else obj)[:200]

    def scope_of(self, obj) -> tuple[type[models.Model], int]:
        if self.scope is None:
            return self.model, obj.pk
        scope_field = self.model._meta.get_field(self.scope)
        return scope_field.related_model, getattr(obj, scope_field.attname)


_registry: dict[type[models.Model], Tracked] = {}


def track(
    model: type[models.Model],
    *,
    fields: Iterable[str],
    m2m: Iterable[str] = (),
    scope: str | None = None,
    access: Callable | None = None,
    describe: Callable | None = None,
) -> None:
    """Record every change to ``model``'s ``fields`` (and many-to-many ``m2m``) as audit events.

    ``scope`` names the foreign key of the page the events are shown on (``"incident"`` for a
    timeline entry); without it the object is its own page. ``access(user, pk)`` returns the object
    if the person may see it and raises Http404 otherwise; objects with it get a full history page.
    ``describe(obj)`` names a row in the history (``str(obj)`` without it).
    """
    config = Tracked(model=model, fields=list(fields), m2m=list(m2m), scope=scope, access=access, describe=describe)
    _registry[model] = config
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
    post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    for name in config.m2m:
        through = model._meta.get_field(name).remote_field.through
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}-{name}")


def tracked(model) -> Tracked | None:
    """The registration of a model (or of an instance's model), if it is tracked."""
    if not isinstance(model, type):
        model = type(model)
    return _registry.get(model._meta.concrete_model)


def tracked_by_label(label: str) -> Tracked | None:
    for model, config in _registry.items():
        if model._meta.label_lower == label:
            return config
    return None


# --- values as they are stored in an event ------------------------------------------------------


def _stored(config: Tracked, name: str, raw):
    """A JSON value for one field: choices by their label, related rows by name, times as ISO text."""
    if raw is None:
        return None
    model_field = config.field(name)
    if model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=raw).first()
        return str(related) if related is not None else None
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    if isinstance(raw, datetime) and raw.tzinfo is not None:
        return raw.astimezone(UTC).isoformat()
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    if isinstance(raw, str) and len(raw) > LONG_TEXT_LIMIT:
        return raw[:LONG_TEXT_LIMIT]
    if isinstance(raw, bool | int | float | str):
        return raw
    return str(raw)


def _column(config: Tracked, name: str) -> str:
    return config.field(name).attname


def _fields_saved(config: Tracked, update_fields) -> list[str]:
    if update_fields is None:
        return config.fields
    named = set(update_fields)
    return [name for name in config.fields if name in named or _column(config, name) in named]


# --- signal receivers -------------------------------------------------------------------------


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    config = tracked(sender)
    names = _fields_saved(config, update_fields)
    if not names:
        return
    columns = [_column(config, name) for name in names]
    row = sender._base_manager.using(instance._state.db or "default").filter(pk=instance.pk).values(*columns).first()
    if row is not None:
        instance._audit_before = {name: row[_column(config, name)] for name in names}


def _after_save(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        record(instance, Action.CREATED)
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not before:
        return
    config = tracked(sender)
    changes = {}
    for name, old in before.items():
        new = getattr(instance, _column(config, name))
        if old != new:
            changes[name] = [_stored(config, name, old), _stored(config, name, new)]
    if changes:
        record(instance, Action.CHANGED, changes)


def _after_delete(sender, instance, **kwargs) -> None:
    record(instance, Action.DELETED)


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if reverse:
        # Changed from the other side (user.responded_incidents.add(incident)): each tracked row touched.
        config = tracked(model)
        affected = _affected_rows(config, sender, instance, action, pk_set) if config else []
    else:
        config = tracked(instance)
        affected = [instance] if config else []
    if not affected:
        return
    name = next((n for n in config.m2m if config.field(n).remote_field.through is sender), None)
    if name is None:
        return
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        for obj in affected:
            obj.__dict__.setdefault("_audit_m2m_before", {})[name] = _names(obj, name)
    elif action in {"post_add", "post_remove", "post_clear"}:
        for obj in affected:
            before = obj.__dict__.get("_audit_m2m_before", {}).pop(name, None)
            if before is None:
                continue
            after = _names(obj, name)
            if before != after:
                record(obj, Action.CHANGED, {name: [before, after]})


def _affected_rows(config: Tracked, sender, instance, action: str, pk_set) -> list:
    # The same row objects must see the pre_ and post_ signal, so they are kept on the instance.
    cache = instance.__dict__.setdefault("_audit_m2m_reverse", {})
    key = (sender, action.split("_", 1)[1])
    if action.startswith("pre_"):
        if action == "pre_clear":
            name = next(n for n in config.m2m if config.field(n).remote_field.through is sender)
            rows = list(config.model._base_manager.filter(**{name: instance}))
        else:
            rows = list(config.model._base_manager.filter(pk__in=pk_set or ()))
        cache[key] = rows
        return rows
    return cache.pop(key, [])


def _names(instance, name: str) -> list[str]:
    manager = getattr(instance, name)
    return sorted(str(related) for related in manager.all())


# --- recording ----------------------------------------------------------------------------------


def record(obj, action: str, changes: dict | None = None, *, actor=UNSET) -> AuditEvent | None:
    """Write the audit event for a change to ``obj`` (nothing if its model is not tracked).

    Within one request, further changes to the same object fold into the event already written,
    so saving a form and then its many-to-many fields reads as one change.
    """
    config = tracked(obj)
    if config is None:
        return None
    actor = current_actor() if actor is UNSET else actor
    changes = changes or {}
    content_type = ContentType.objects.get_for_model(config.model)
    key = (content_type.pk, obj.pk)
    unit = current_unit()
    if unit is not None and action == Action.CHANGED and key in unit.events:
        prior = unit.events[key]
        if prior.action == Action.CREATED:
            return prior
        if prior.action == Action.CHANGED:
            return _fold(unit, key, prior, changes)
    scope_model, scope_id = config.scope_of(obj)
    event = AuditEvent.objects.create(
        content_type=content_type,
        object_id=obj.pk,
        object_repr=config.describe_object(obj),
        scope_type=ContentType.objects.get_for_model(scope_model),
        scope_id=scope_id,
        action=action,
        changes=changes,
        actor=actor,
    )
    if unit is not None:
        unit.events[key] = event
    return event


def _fold(unit, key, prior: AuditEvent, changes: dict) -> AuditEvent | None:
    merged = dict(prior.changes)
    for name, (old, new) in changes.items():
        first = merged[name][0] if name in merged else old
        if first == new:
            merged.pop(name, None)
        else:
            merged[name] = [first, new]
    prior.changes = merged
    if merged:
        AuditEvent.objects.filter(pk=prior.pk).update(changes=merged)
        return prior
    # The request undid its own change: nothing happened.
    AuditEvent.objects.filter(pk=prior.pk).delete()
    del unit.events[key]
    return None


def record_created(objs) -> None:
    """Creation events for rows inserted with ``bulk_create`` (which sends no signals), in one insert."""
    objs = [obj for obj in objs if obj.pk is not None]
    if not objs or tracked(objs[0]) is None:
        return
    config = tracked(objs[0])
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(config.model)
    events = []
    for obj in objs:
        scope_model, scope_id = config.scope_of(obj)
        events.append(
            AuditEvent(
                content_type=content_type,
                object_id=obj.pk,
                object_repr=config.describe_object(obj),
                scope_type=ContentType.objects.get_for_model(scope_model),
                scope_id=scope_id,
                action=Action.CREATED,
                actor=actor,
            )
        )
    AuditEvent.objects.bulk_create(events)

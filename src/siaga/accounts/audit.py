"""The audit log: who changed which domain record, when, and what it was before and after.

Single saves and deletes are caught by signals for every registered model, so the admin,
the API, forms and commands are all covered. Bulk writes (imports) call `record` themselves.
"""

import contextvars
import datetime
import decimal
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

_actor: contextvars.ContextVar[tuple[object, str] | None] = contextvars.ContextVar(
    "siaga_actor", default=None
)
_registry: dict[type, tuple[Callable, Callable]] = {}


@contextmanager
def acting_as(user=None, label: str | None = None):
    """Attribute changes made inside the block to this user (or a command's label)."""
    token = _actor.set((user, label or (user.get_username() if user else "sistem")))
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(user) -> None:
    """Within the request's `acting_as` (set before the API knew the user from a device
    token): attribute the rest of the request to `user`."""
    _actor.set((user, user.get_username()))


def current_actor() -> tuple[object, str]:
    return _actor.get() or (None, "sistem")


def _jsonable(value):
    if isinstance(value, FieldFile):  # a stored file is audited by its name
        return value.name or ""
    if isinstance(value, (datetime.date, datetime.time, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(instance, exclude: Iterable[str] = ("boundary",)) -> dict:
    """The instance's own column values (foreign keys as ids), ready for JSON."""
    return {
        field.attname: _jsonable(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.name not in exclude and not field.primary_key
    }


def snapshot_values(values: dict, primary_key: str = "id") -> dict:
    """`snapshot` of a row given as {column attname: value} (a write that builds no model
    instance)."""
    return {name: value if type(value) in _PLAIN else _jsonable(value)
            for name, value in values.items() if name != primary_key}


_PLAIN = {str, int, bool, float, type(None), dict, list}


def record(model, action: str, key: str, region_code: str, before: dict | None,
           after: dict | None):
    """An unsaved AuditEntry for the current actor; bulk writers collect and bulk_create them."""
    from siaga.accounts.models import AuditEntry

    user, label = current_actor()
    return AuditEntry(
        user=user if getattr(user, "pk", None) else None, actor=label, action=action,
        model=model._meta.label, object_key=key, region_code=region_code,
        before=before, after=after,
    )


def register(model, *, key: Callable, region: Callable) -> None:
    """Audit every save/delete of `model`; key(obj) names it, region(obj) scopes the entry."""
    _registry[model] = (key, region)
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_remember_before, sender=model, dispatch_uid=uid + "-pre")
    post_save.connect(_saved, sender=model, dispatch_uid=uid + "-post")
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid + "-del")


def _remember_before(sender, instance, raw=False, **kwargs):
    instance._audit_before = None
    if instance.pk and not raw:
        old = sender._default_manager.filter(pk=instance.pk).first()
        instance._audit_before = snapshot(old) if old else None


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    key, region = _registry[sender]
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if before == after:
        return
    action = "create" if created or before is None else "update"
    record(sender, action, key(instance), region(instance), before, after).save()


def _deleted(sender, instance, **kwargs):
    key, region = _registry[sender]
    record(sender, "delete", key(instance), region(instance), snapshot(instance), None).save()

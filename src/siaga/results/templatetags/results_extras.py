"""Two lookups the C.Hasil templates need: a dict entry and a field named at run time."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, "") if hasattr(mapping or {}, "get") else ""


@register.filter
def attr(obj, name):
    return getattr(obj, name, "")

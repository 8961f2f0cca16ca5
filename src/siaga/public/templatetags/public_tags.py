"""Links the public pages share."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def public_results_url() -> str:
    """The published results page (the results app's `public_results`), or '' while that page
    does not exist, so the public pages never break on it."""
    try:
        return reverse("public_results")
    except NoReverseMatch:
        return ""

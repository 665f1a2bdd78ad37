from django import template

from markup.plain import shorten as shorten_text

register = template.Library()


@register.filter
def shorten(value: str, limit: int = 80) -> str:
    """Cut at a word with an ellipsis: ``{{ near_miss.what_almost_happened|shorten:90 }}``."""
    return shorten_text(str(value or ""), int(limit))

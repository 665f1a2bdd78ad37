"""Places on a lower app's page where a higher app shows its part, registered by that app.

The incident page has the slot ``"incident"``; the review and meeting pages have ``"review"``; every page's
header has ``"header"``. A higher app registers its panel in ``AppConfig.ready()`` (``register_panel("incident",
"actions/panel.html", obligation_panel)``) and the page renders whatever is registered with
``{% load panels %}{% panels "incident" incident %}``, so it never loads a higher app's template tags.
A panel's context function takes the page's template context, the object and the tag's options.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: Callable[..., dict]


_slots: dict[str, list[Panel]] = defaultdict(list)


def register_panel(slot: str, template_name: str, context: Callable[..., dict]) -> None:
    """Show ``template_name`` in ``slot``, with the context ``context(page_context, obj, **options)`` gives."""
    panel = Panel(template_name, context)
    if panel not in _slots[slot]:
        _slots[slot].append(panel)


register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj, **options) -> SafeString:
    """Every panel registered for ``slot``, in the order the apps registered them."""
    request = context.get("request")
    html = [
        get_template(panel.template_name).render(panel.context(context, obj, **options), request)
        for panel in _slots[slot]
    ]
    return mark_safe("".join(html))  # our own templates' output, escaped as they rendered

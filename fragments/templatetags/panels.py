"""``{% panels "incident" incident %}``: every panel registered for a slot (``web.panels``)."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from fragments.kept import kept, personalised
from web.panels import registered

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj, **options) -> SafeString:
    """Every panel registered for ``slot``, in the order the apps registered them; shared ones kept."""
    request = context.get("request")
    html = []
    for panel in registered(slot):

        def render(csrf_token, panel=panel):
            values = panel.context(context, obj, **options) | {"csrf_token": csrf_token}
            return get_template(panel.template_name).render(values, request)

        values = panel.kept_by(context, obj, **options) if panel.kept_by else None
        personal = panel.personal(context, obj, **options) if panel.personal else None
        if values is None:
            html.append(personalised(render(context.get("csrf_token", "")), personal))
        else:
            name = f"panel:{slot}:{panel.template_name}"
            html.append(kept(name, values, request, context.get("csrf_token", ""), render, personal))
    return mark_safe("".join(html))  # our own templates' output, escaped as they rendered

from django import template

from dashboard.fixes import earlier_incidents

register = template.Library()


@register.inclusion_tag("dashboard/earlier_fixes.html", takes_context=True)
def earlier_fixes(context, review):
    """Earlier incidents with the same weakness (factor category and service) and whether their fixes held."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"earlier": []}
    return {"earlier": earlier_incidents(review, request.user), "review": review}

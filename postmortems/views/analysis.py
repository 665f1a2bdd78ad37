"""The review's analysis: contributing factors and improvement opportunities, added and edited in place."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from postmortems import edits
from postmortems.access import get_review_for_user
from postmortems.forms import (
    FactorForm,
    OpportunityForm,
)
from postmortems.models import ContributingFactor
from postmortems.views.access import require_edit
from postmortems.views.document import (
    factors_with_flags,
    linked_entries,
    opportunities_with_flags,
    stored_flags,
)
from postmortems.views.reviews import TEMPLATE, base_context, factor_edit_form, review_context
from web.htmx import HtmxHttpRequest, render_page, wants_fragment

# The two lists edited in place: what each shows, and its empty form for the next entry.
LISTS = {
    "factors": (factors_with_flags, "factor_form", lambda review: FactorForm(review=review, prefix="factor")),
    "opportunities": (
        opportunities_with_flags,
        "opportunity_form",
        lambda review: OpportunityForm(prefix="opportunity"),
    ),
}


def _list_response(request, access, name: str, *, form=None, status=200):
    """A list section again (factors, opportunities): the fragment for htmx, else the whole page, the form kept."""
    items_with_flags, form_name, empty_form = LISTS[name]
    review = access.review
    if wants_fragment(request):
        context = base_context(request, access) | {
            name: items_with_flags(review, access.dismissed_keys()),
            form_name: form or empty_form(review),
            "fresh_forms": bool(form),
        }
    else:
        context = review_context(request, access) | ({form_name: form, "fresh_forms": True} if form else {})
    return render_page(request, TEMPLATE, context, partial=name, status=status)


@require_POST
def review_factor_add(request: HtmxHttpRequest, pk: int):
    access = get_review_for_user(request.user, pk)
    review = access.review
    require_edit(access.can_edit)
    form = FactorForm(request.POST, review=review, prefix="factor")
    if not form.is_valid():
        return _list_response(request, access, "factors", form=form, status=422)
    data = {name: form.cleaned_data[name] for name in ("description", "category", "depth", "service")}
    edits.add_factor(review, request.user, data, form.cleaned_data.get("timeline_entries") or ())
    if not wants_fragment(request):
        messages.success(request, "Contributing factor added.")
        return redirect(f"{review.get_absolute_url()}#section-factors")
    return _list_response(request, access, "factors")


@require_http_methods(["GET", "POST"])
def review_factor_edit(request: HtmxHttpRequest, pk: int, factor_pk: int):
    access = get_review_for_user(request.user, pk)
    review = access.review
    require_edit(access.can_edit)
    factor = get_object_or_404(
        ContributingFactor.objects.select_related("category", "service"), pk=factor_pk, review=review
    )
    dismissed = access.dismissed_keys()
    theirs = None
    if request.method == "GET":
        if not wants_fragment(request):
            return redirect(f"{review.get_absolute_url()}?edit_factor={factor.pk}#factor-{factor.pk}")
        factor.flags = stored_flags(factor, "description", dismissed)
        factor.linked_entries = linked_entries([factor.pk]).get(factor.pk, [])
        if not request.GET.get("cancel"):
            factor.form = factor_edit_form(review, factor)
        return render_page(request, TEMPLATE, base_context(request, access) | {"factor": factor}, partial="factor")

    form = factor_edit_form(review, factor, request.POST)
    status = 422
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("description", "category", "depth", "service")}
        entries = form.cleaned_data.get("timeline_entries") or []
        result = edits.save_factor(factor.pk, form.cleaned_data.get("version") or 0, data, entries)
        if result.saved:
            if not wants_fragment(request):
                messages.success(request, "Contributing factor saved.")
                return redirect(f"{review.get_absolute_url()}#factor-{factor.pk}")
            factor = ContributingFactor.objects.select_related("category", "service").get(pk=factor.pk)
            factor.flags = stored_flags(factor, "description", dismissed)
            factor.linked_entries = linked_entries([factor.pk]).get(factor.pk, [])
            return render_page(request, TEMPLATE, base_context(request, access) | {"factor": factor}, partial="factor")
        theirs = result.current
        data = request.POST.copy()
        data[f"factor-{factor.pk}-version"] = result.version
        factor.refresh_from_db()
        form = factor_edit_form(review, factor, data)
        form.is_valid()
        status = 409
    factor.flags = stored_flags(factor, "description", dismissed)
    factor.linked_entries = linked_entries([factor.pk]).get(factor.pk, [])
    factor.form = form
    factor.theirs = theirs
    if wants_fragment(request):
        context = base_context(request, access) | {"factor": factor}
    else:
        context = review_context(request, access)
        listed = context["factors"]
        context["factors"] = [factor if f.pk == factor.pk else f for f in (listed() if callable(listed) else listed)]
        context["edit_factor"] = factor.pk
    return render_page(request, TEMPLATE, context, partial="factor", status=status)


@require_POST
def review_factor_delete(request: HtmxHttpRequest, pk: int, factor_pk: int):
    access = get_review_for_user(request.user, pk)
    require_edit(access.can_edit)
    factor = get_object_or_404(ContributingFactor, pk=factor_pk, review=access.review)
    edits.delete_factor(factor)
    if not wants_fragment(request):
        messages.success(request, "Contributing factor removed.")
        return redirect(f"{access.review.get_absolute_url()}#section-factors")
    return _list_response(request, access, "factors")


@require_POST
def review_opportunity_add(request: HtmxHttpRequest, pk: int):
    access = get_review_for_user(request.user, pk)
    review = access.review
    require_edit(access.can_edit)
    form = OpportunityForm(request.POST, prefix="opportunity")
    if not form.is_valid():
        return _list_response(request, access, "opportunities", form=form, status=422)
    edits.add_opportunity(review, request.user, form.cleaned_data["question"])
    if not wants_fragment(request):
        return redirect(f"{review.get_absolute_url()}#section-opportunities")
    return _list_response(request, access, "opportunities")


@require_POST
def review_opportunity_delete(request: HtmxHttpRequest, pk: int, opportunity_pk: int):
    access = get_review_for_user(request.user, pk)
    require_edit(access.can_edit)
    opportunity = get_object_or_404(access.review.opportunities, pk=opportunity_pk)
    edits.delete_opportunity(opportunity)
    if not wants_fragment(request):
        return redirect(f"{access.review.get_absolute_url()}#section-opportunities")
    return _list_response(request, access, "opportunities")

"""Near misses: filed in under a minute, anonymously if the reporter wishes, and thanked visibly.

Nothing in this module logs, and for an anonymous filing nothing about the request is kept.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.sessions import leave_session_untouched
from fragments.conditional import conditional_page
from incidents.forms import PERIODS, NearMissFilterForm, NearMissForm
from incidents.models import NearMiss, NearMissThanks
from incidents.services import file_near_miss, thank_near_miss
from web.filters import narrowed
from web.htmx import HtmxHttpRequest, render_page, wants_fragment
from web.pagination import page_context

PAGE_SIZE = 25


@conditional_page(lambda request: ["near-misses", "reviews"])
def near_miss_list(request: HtmxHttpRequest):
    form = NearMissFilterForm(request.GET or None)
    near_misses = NearMiss.objects.select_related("team", "service", "reporter")
    data = form.cleaned_data if form.is_valid() else {}
    near_misses = narrowed(near_misses, data, ("team", "how_caught", "service"))
    if data.get("period"):
        near_misses = near_misses.filter(filed_on__gte=timezone.now().date() - timedelta(days=PERIODS[data["period"]]))
    context = {"form": form} | page_context(request, near_misses, PAGE_SIZE)
    context["near_misses"] = list(context["page"].object_list)
    return render_page(request, "incidents/near_miss_list.html", context)


def near_miss_new(request: HtmxHttpRequest):
    # Opening the form is no "last seen" moment either: it would say when someone began a report.
    leave_session_untouched(request)
    form = NearMissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["anonymous"]:
            file_near_miss(form.save(commit=False), reporter=None)
            # No message in the session either, and the address we send the browser to names no report.
            return redirect("near_miss_filed")
        near_miss = file_near_miss(form.save(commit=False), reporter=request.user)
        messages.success(request, "Thank you for reporting this. Near misses are the cheapest lessons we get.")
        return redirect("near_miss_detail", pk=near_miss.pk)
    return render_page(request, "incidents/near_miss_form.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
def near_miss_filed(request: HtmxHttpRequest):
    """Where an anonymous filing lands: the same page for every report, naming none of them.

    Reached straight after filing, so it leaves the session untouched too.
    """
    leave_session_untouched(request)
    return render_page(request, "incidents/near_miss_filed.html", {})


def _thanks_context(request, near_miss: NearMiss) -> dict:
    return {
        "near_miss": near_miss,
        "own_report": near_miss.reporter_id == request.user.pk,
        "thanked": NearMissThanks.objects.filter(near_miss=near_miss, user=request.user).exists(),
    }


def near_miss_detail(request: HtmxHttpRequest, pk: int):
    near_miss = get_object_or_404(NearMiss.objects.select_related("team", "service", "reporter"), pk=pk)
    return render_page(request, "incidents/near_miss_detail.html", _thanks_context(request, near_miss))


@require_POST
def near_miss_thank(request: HtmxHttpRequest, pk: int):
    near_miss = get_object_or_404(NearMiss, pk=pk)
    if near_miss.reporter_id == request.user.pk:
        raise PermissionDenied("This is your own report; others can thank it.")
    thank_near_miss(near_miss, request.user)
    if not wants_fragment(request):
        return redirect("near_miss_detail", pk=near_miss.pk)
    return render_page(
        request, "incidents/near_miss_detail.html", _thanks_context(request, near_miss), partial="thanks"
    )

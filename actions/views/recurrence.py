"""The facilitator's decision on a fix that may not have held: confirm, or dismiss with a reason."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from actions.models import RecurrenceFlag, RecurrenceState
from actions.recurrence import confirm, dismiss, may_decide
from actions.views import HtmxHttpRequest
from incidents.models import Incident


@require_POST
def decide(request: HtmxHttpRequest, pk: int):
    flag = get_object_or_404(
        RecurrenceFlag.objects.select_related("fix__incident", "fix__team", "later_factor__review__incident"), pk=pk
    )
    incidents = {flag.fix.incident_id, flag.later_factor.review.incident_id} - {None}
    if Incident.objects.visible_to(request.user).filter(pk__in=incidents).count() != len(incidents):
        raise Http404("No such flag.")
    if not may_decide(request.user, flag):
        raise PermissionDenied("The facilitator decides whether a fix held.")
    decision, reason, error, status = request.POST.get("decision"), request.POST.get("reason", "").strip(), "", 200
    if flag.state != RecurrenceState.OPEN:
        error, status = "This was decided already.", 409
    elif decision == "confirm":
        flag.reason = reason
        confirm(flag, request.user)
    elif decision == "dismiss" and reason:
        dismiss(flag, request.user, reason)
    else:
        error, status = "Say why the fix held, so everyone can read the reason.", 422
    if request.htmx:
        flag.can_decide = True
        context = {"flag": flag, "error": error, "reason": reason}
        return render(request, "actions/recurrence.html#flag", context, status=status)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = flag.fix.get_absolute_url()
    return redirect(target)

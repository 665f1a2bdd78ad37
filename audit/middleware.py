from functools import partial

from audit.context import begin_acting, end_acting


class AuditActorMiddleware:
    """Changes made while handling a request are recorded as made by the signed-in person.

    Sits after accounts' SignedInMiddleware; the user is only looked up when a change is recorded.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = begin_acting(partial(getattr, request, "user", None))
        try:
            return self.get_response(request)
        finally:
            end_acting(tokens)

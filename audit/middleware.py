from audit.context import acting_as


class AuditActorMiddleware:
    """Changes made while handling a request are recorded as made by the signed-in person.

    Sits after accounts' SignedInMiddleware; the user is only looked up when a change is recorded.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(lambda: getattr(request, "user", None)):
            return self.get_response(request)

from pagecache.pages import PAGE_VERSION

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class StalePagesAfterWritesMiddleware:
    """Every request that may have written makes the kept pages stale once it is done.

    Model signals already do this for each save and delete; this also covers the writes that send no
    signal (``QuerySet.update``, ``bulk_create``), whichever view makes them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            PAGE_VERSION.bump()
        return response

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import urlpatterns as application_urls


@require_GET
def ping(request):
    """A trivial signed-in page: the whole middleware stack and no work."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("benchmark/ping", ping, name="benchmark_ping"), *application_urls]

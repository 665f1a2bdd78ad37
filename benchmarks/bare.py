"""A bare Django view from a minimal settings module: the base the benchmark compares against.

This module is the settings module, the URLconf and the WSGI application at once, so that the bare
server shares nothing with the application but Django itself and the gunicorn settings.
"""

from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "benchmark-only-not-secret"  # noqa: S105 - serves one static word on loopback
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.bare"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True


def hello(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", hello)]

_handler = None


def application(environ, start_response):
    # Built on first use: importing this module as the settings must not set Django up.
    global _handler
    if _handler is None:
        from django.core.wsgi import get_wsgi_application

        _handler = get_wsgi_application()
    return _handler(environ, start_response)

"""What every page needs loaded, loaded once when the web server starts instead of by the first requests.

A new web process (a server started, or gunicorn replacing a worker after ``GUNICORN_MAX_REQUESTS``) imported
every view module and compiled its templates during its first request: about 300 ms that one person waited, and
again for the first page of each kind. Loaded before the workers are forked (``preload_app``), every worker
starts with it, shared with the others until written.
"""

from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver


def page_template_names() -> list[str]:
    """The names of the project's own templates and of the form widgets' (not those of Django's admin)."""
    root = Path(settings.BASE_DIR).resolve()
    directories = [Path(d) for d in (*engines["django"].dirs, *get_app_template_dirs("templates"))]
    names = []
    for directory in directories:
        ours = directory.resolve().is_relative_to(root) and ".venv" not in directory.parts
        for path in sorted(directory.rglob("*.html")):
            name = path.relative_to(directory).as_posix()
            if ours or name.startswith("django/forms/"):
                names.append(name)
    return list(dict.fromkeys(names))


def load_what_pages_need() -> int:
    """Import every view (through the URL patterns) and compile every template pages use; the number compiled."""
    get_resolver().reverse_dict  # noqa: B018 - fills the resolver, importing every view module
    names = page_template_names()
    for name in names:
        engines["django"].get_template(name)
    # Nothing here should have opened one, and a connection must never be shared by forked workers.
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
    return len(names)

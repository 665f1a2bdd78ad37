"""The application's own settings, with the benchmark's trivial signed-in view added to the URLs.

The trivial view measures what our middleware costs on its own; it is served only here, never by
the application (``benchmarks/urls.py``).
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"

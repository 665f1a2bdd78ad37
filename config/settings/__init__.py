"""Settings for the post-mortem service, read from environment variables (``config.env``).

With nothing set, the project runs on embedded defaults (a SQLite file and a
file-based Celery broker under ``var/``). ``DATABASE_URL`` and ``REDIS_URL``
switch to PostgreSQL and Redis. ``DJANGO_ENV=production`` turns on the
production checks: no default secret, explicit allowed hosts, secure cookies.

One module per reason to change; ``DJANGO_SETTINGS_MODULE=config.settings`` reads them all.
"""

from config.settings.core import *  # noqa: F403
from config.settings.data import *  # noqa: F403
from config.settings.integrations import *  # noqa: F403
from config.settings.logs import *  # noqa: F403
from config.settings.people import *  # noqa: F403
from config.settings.product import *  # noqa: F403
from config.settings.schedule import *  # noqa: F403
from config.settings.security import *  # noqa: F403

import gc
import itertools
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

from web.warm import load_what_pages_need

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Loaded now, in the server's first process: with gunicorn's preload_app every worker is forked with it.
load_what_pages_need()
gc.freeze()

# What a web process loads after that, in its first requests (what each process keeps, what rarer pages need),
# lives as long as the process too. Left to the collector, a full collection walked those ~90,000 objects for
# 50-150 ms, holding every thread of the process, about once a hundred requests; frozen, they are no longer
# walked. Frozen again later for what only rarer pages load; anything frozen that later becomes a cycle of
# garbage stays, a few objects each time.
FREEZE_AFTER_REQUESTS = frozenset({100, 1_000, 10_000})
served = itertools.count(1)


def freeze_what_is_loaded(**kwargs) -> None:
    if next(served) in FREEZE_AFTER_REQUESTS:
        gc.freeze()


request_finished.connect(freeze_what_is_loaded, dispatch_uid="config.wsgi.freeze_what_is_loaded")

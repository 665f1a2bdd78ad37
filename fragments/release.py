"""A fingerprint of the templates and static files this process serves.

Kept fragments and ETags include it, so a deploy that changes how a page looks never serves a
fragment or a 304 made by the previous release.
"""

import hashlib
import os
from functools import cache
from pathlib import Path

from django.conf import settings


@cache
def release() -> str:
    configured = os.environ.get("RELEASE_ID")
    if configured:
        return configured
    digest = hashlib.sha256()
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static"]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]

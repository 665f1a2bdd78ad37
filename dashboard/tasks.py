"""The dashboard's Celery tasks (found here by the worker's autodiscovery); each lives beside its work."""

from dashboard.figures.store import recompute_figures

__all__ = ["recompute_figures"]

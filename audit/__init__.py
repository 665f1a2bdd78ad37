"""The audit trail: who changed what and when on incidents, timelines, reviews, factors and action items.

Apps register their models with ``audit.registry.track`` from their ``AppConfig.ready``; this app
imports nothing above ``accounts``. It is edit history, not blame: it never counts per person.
"""

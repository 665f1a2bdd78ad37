"""Pieces every app's views share: the typed htmx request and the one way a view answers."""

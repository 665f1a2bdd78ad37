"""Incident, timeline and near-miss pages, one module per area."""

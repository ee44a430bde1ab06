"""Metrics: the KPI registry (each KPI defined once) and the views it reads."""

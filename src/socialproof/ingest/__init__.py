"""Importers: one module per export format, a registry, autodetection, rejects, undo."""

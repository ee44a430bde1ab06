"""Rendering: terminal tables, machine formats, the HTML report shell and SVG charts."""

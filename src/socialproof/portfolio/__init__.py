"""The portfolio: evidence-backed case studies built into a static site and a PDF."""

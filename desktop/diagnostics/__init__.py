"""Checks behind `embeddable-desktop diagnose`, Help → Diagnostics and the support bundle."""

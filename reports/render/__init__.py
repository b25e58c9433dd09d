"""Rendering: the report (HTML and Markdown), its plots, what a comparison holds equal."""

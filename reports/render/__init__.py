"""Rendering: the report (HTML and Markdown), its plots, what a comparison holds equal.

``mitchell report`` (:mod:`mitchell.reports.render.report`) writes ``report.json`` (its schema is
in that module), ``report.md``, ``report.html`` (one self-contained file, pictures embedded) and
every plot as PNG and SVG into ``--out``, through a temporary folder, so a failed run leaves
nothing half-written. Every picture of the error (:mod:`mitchell.reports.render.plots`) draws
``(P'-P)/P`` from the same function as the metrics table
(:func:`mitchell.reports.error.error_analysis.relative_error`), with every option of the design:
the operand plane (every pair of 8-bit operands, one per variant), the mantissa surface (both
operands in the top octave), the distributions (200,000 random pairs per design), the area bars
of each flow and area against width; ``mitchell sweep`` draws the Pareto plot. A new figure is a function in :mod:`mitchell.reports.render.plots`
called from :func:`~mitchell.reports.render.report.write_report`. The API reference is built by
:mod:`mitchell.reports.render.reference`.
"""

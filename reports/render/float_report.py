"""The floating-point report, for the command line until it calls
:func:`~.report.write_report` (which takes every design) itself."""
from .report import write_report as write_float_report

__all__ = ["write_float_report"]

"""The floating-point designs' metrics, for the command line until it calls
:func:`~.error_analysis.measure` (which takes every design) itself."""
from .error_analysis import measure as measure_float

__all__ = ["measure_float"]

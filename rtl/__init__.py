"""Amaranth components of Mitchell's logarithmic multiplier and its exact baseline."""
from .antilogarithm import Antilogarithm
from .exact import ExactMultiplier
from .lod import LeadingOneDetector
from .logarithm import Logarithm
from .mitchell import MitchellMultiplier
from .multiplier import Multiplier
from .shifter import BarrelShifter
from .verilog import to_verilog

__all__ = [
    "Antilogarithm", "BarrelShifter", "ExactMultiplier", "LeadingOneDetector", "Logarithm",
    "MitchellMultiplier", "Multiplier", "to_verilog",
]

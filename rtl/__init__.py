"""Amaranth components of Mitchell's logarithmic multiplier and its exact baseline."""
from .antilogarithm import Antilogarithm
from .dadda import DaddaMultiplier
from .divider import ExactDivider, MitchellDivider
from .exact import ExactMultiplier
from .lod import LeadingOneDetector
from .logarithm import Logarithm
from .iterative import IterativeLogMultiplier, NearestOneMultiplier
from .log_variants import MinimallyBiasedMultiplier, MitchW, SetOneAdderMultiplier
from .mitchell import LogMultiplier, MitchellMultiplier
from .signed import SignedMultiplier
from .multiplier import Multiplier
from .shifter import BarrelShifter
from .verilog import to_verilog

__all__ = [
    "Antilogarithm", "BarrelShifter", "DaddaMultiplier", "ExactDivider", "ExactMultiplier", "IterativeLogMultiplier",
    "LeadingOneDetector", "LogMultiplier", "Logarithm", "MinimallyBiasedMultiplier",
    "MitchW", "MitchellDivider", "MitchellMultiplier", "Multiplier", "NearestOneMultiplier",
    "SetOneAdderMultiplier", "SignedMultiplier", "to_verilog",
]

"""Amaranth components of Mitchell's logarithmic multiplier and its exact baseline."""
from .adder import PrefixAdder
from .antilogarithm import Antilogarithm
from .dadda import DaddaMultiplier
from .divider import ExactDivider, MitchellDivider
from .exact import ExactMultiplier
from .float_format import FORMATS, FloatFormat
from .float_mul import ExactFloatMultiplier, FloatMitchellMultiplier
from .lod import LeadingOneDetector, OneHotLeadingOneDetector
from .logarithm import Logarithm
from .iterative import IterativeLogMultiplier, NearestOneMultiplier
from .log_variants import (DynamicRangeMultiplier, MinimallyBiasedMultiplier, MitchW, ReducedErrorMultiplier,
                           SetOneAdderMultiplier)
from .mitchell import ARCHITECTURES, LogMultiplier, MitchellMultiplier
from .residue import Residue
from .signed import SignedMultiplier
from .truncated import TruncatedMultiplier
from .multiplier import Multiplier
from .shifter import BarrelShifter, OneHotShifter
from .verilog import to_verilog

__all__ = [
    "ARCHITECTURES", "Antilogarithm", "BarrelShifter", "DaddaMultiplier", "DynamicRangeMultiplier", "ExactDivider",
    "ExactFloatMultiplier", "ExactMultiplier", "FORMATS", "FloatFormat",
    "FloatMitchellMultiplier", "IterativeLogMultiplier", "LeadingOneDetector", "LogMultiplier",
    "Logarithm", "MinimallyBiasedMultiplier", "MitchW", "MitchellDivider", "MitchellMultiplier",
    "Multiplier", "NearestOneMultiplier", "OneHotLeadingOneDetector", "OneHotShifter",
    "PrefixAdder", "ReducedErrorMultiplier", "Residue",
    "SetOneAdderMultiplier", "SignedMultiplier", "TruncatedMultiplier", "to_verilog",
]

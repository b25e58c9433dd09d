"""Synthesis flows: Yosys generic and iCE40, the standard-cell flow, Liberty files."""

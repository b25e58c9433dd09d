"""Formal proofs: SAT equivalence of the RTL against behavioural references."""

"""Error metrics: the exact sums, the analytic and enumerated methods, the compiled kernel."""

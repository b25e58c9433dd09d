"""``mitchell error``: a design's error metrics against the exact product, as text or JSON."""
import argparse
import json

from .options import (UsageError, add_design_options, add_foreign_options, design_from, integer,
                      samples)

HELP = "error metrics against the exact product"
DESCRIPTION = "Error metrics (ER, MED, NMED, MRED, WCE, WCRE, bias, MSE) against the exact product."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..error.error_analysis import METHODS
    from ...sim.vectors import check_seed

    add_design_options(parser)
    add_foreign_options(parser)
    parser.add_argument("--exhaustive", action="store_true",
                        help="all pairs (default up to 16 bits; at most 16 bits, or 24 for plain "
                             "Mitchell, which is computed analytically)")
    parser.add_argument("--samples", type=integer(samples), default=None,
                        help="random pairs instead, up to 2**32 (default 10,000,000 above 16 "
                             "bits)")
    parser.add_argument("--seed", type=integer(check_seed), default=1,
                        help="seed of the random pairs (default 1)")
    parser.add_argument("--method", default="auto", choices=METHODS,
                        help="analytic sums (plain Mitchell only), the compiled kernel (up to 32 "
                             "bits) or NumPy enumeration (default auto: the first that applies)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    design = design_from(args)
    metrics = measured(args, design)
    if args.json:
        print(json.dumps({"design": design.label, "error": metrics}, indent=2))
    else:
        PRINTERS[design.entry.kind.operands](design, metrics)
    return 0


def measured(args: argparse.Namespace, design) -> dict:
    """The metrics of ``design`` over the pairs and by the method that the options name, with a
    progress line."""
    from ..error.error_analysis import measure
    from ..error.progress import Progress

    progress = Progress(f"error {design.label}")
    try:
        return measure(design, exhaustive=True if args.exhaustive else None,
                       samples=args.samples, seed=args.seed, method=args.method,
                       progress=progress)
    except ValueError as error:
        raise UsageError(str(error)) from None
    finally:
        progress.close()


def print_integer(design, metrics: dict) -> None:
    from ..error.metrics import METRIC_LABELS, describe_pairs, format_metric

    print(f"{design.label} against {design.baseline.variant}, "
          f"{describe_pairs(metrics, which=design.entry.kind.defined_pairs)}; MRED, WCRE and bias "
          f"over the {metrics['relative_pairs']:,} of them with a non-zero exact result")
    for key, label, unit in METRIC_LABELS:
        line = f"  {label:6} {format_metric(metrics[key], unit):>24}"
        if "ci95" in metrics and key in metrics["ci95"]:
            low, high = metrics["ci95"][key]
            line += f"   95 % CI [{format_metric(low, unit)}, {format_metric(high, unit)}]"
        print(line)
    print(f"  {'mean':6} {format_metric(metrics['mean_error'], ''):>24}   (mean of P' - P)")


def print_float(design, metrics: dict) -> None:
    from ..error.metrics import format_metric

    pairs = "pairs, all of them" if metrics["exhaustive"] else f"random pairs (seed {metrics['seed']})"
    print(f"{design.label} against {design.baseline.label}, {metrics['pairs']:,} {pairs}; "
          f"MRED, WCRE and bias over the {metrics['relative_pairs']:,} with both results normal")
    for key, label in (("mred", "MRED"), ("wcre", "WCRE"), ("bias", "bias")):
        line = f"  {label:6} {format_metric(metrics[key], '%'):>16}"
        if key in metrics.get("ci95", {}):
            low, high = metrics["ci95"][key]
            line += f"   95 % CI [{format_metric(low, '%')}, {format_metric(high, '%')}]"
        print(line)
    print(f"  classes differ in {metrics['class_mismatches']:,} pairs, all at the edges of the "
          f"normal range but {metrics['class_mismatches_inside']:,}")


# The metrics' lines of each family of designs (the operands of its catalogue kind).
PRINTERS = {"int": print_integer, "float": print_float}

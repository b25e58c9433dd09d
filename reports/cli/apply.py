"""``mitchell apply``: the designs on real work: the digits network's quantised inference and
training, and image filters, as text tables (and the filtered images as a PNG)."""
import argparse

from ...sim.catalogue import BASELINES, CATALOGUE, float_variants
from .options import (UsageError, add_foreign_options, add_format_option, add_variant_options,
                      design_from, foreign_designs_from, integer, nonempty, output_file)

# Samples per batch of an ONNX model (mitchell.reports.apps.onnx_graph.DEFAULT_BATCH, not
# imported for the help, which imports no design models), and at most: the memory grows with it.
DEFAULT_BATCH = 256
MAX_BATCH = 1 << 16

HELP = ("the designs on real work: digits MLP inference and training, image filters, your "
        "own ONNX model")
DESCRIPTION = ("digits-infer: an MLP on scikit-learn's digits, quantised to signed --width bits "
               "(or rounded into --format), with each design's products; digits-train: trained "
               "with exact and with Mitchell's fp32 products, accuracy per epoch; image: Gaussian "
               "blur and Sobel on china.jpg, PSNR and SSIM against the exact filters (products "
               "of --format designs in their format). --onnx MODEL instead of --task: the "
               "model's MatMul, Gemm and Conv products the design's (integer designs on "
               "quantised models, at the narrowest width that holds their operands less zero "
               "points unless --width; --format designs on float32 models, fp32 by default); "
               "accuracy, top-1 agreement and mean relative logit error against the exact "
               "design's run. --verilog designs (your own multipliers; an unsigned one takes signed "
               "operands as sign and magnitude) run digits-infer and image at 8 bits, and an "
               "ONNX model whose integer operands, zero points subtracted, fit their ports "
               "(--signed for two's complement), through the table of all their products.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..apps.application import DEFAULT_SEEDS, MAX_SEEDS, TASKS, check_epochs, check_seeds
    from ...sim.vectors import check_seed

    parser.add_argument("--task", choices=TASKS, help="a built-in workload (or --onnx)")
    parser.add_argument("--onnx", type=nonempty, default=None, metavar="MODEL",
                        help="run this ONNX model over --inputs instead of a --task")
    add_onnx_arguments(parser)
    parser.add_argument("--batch", type=integer(check_batch), default=DEFAULT_BATCH,
                        help=f"--onnx: samples per batch, which bounds the memory (default "
                             f"{DEFAULT_BATCH}; a model made for a fixed batch runs at it)")
    parser.add_argument("--logits", type=nonempty, default=None, metavar="NAME",
                        help="--onnx: the model output compared (default its first)")
    parser.add_argument("--json", action="store_true", help="--onnx: print JSON")
    parser.add_argument("--variant", type=nonempty, action="append", default=None,
                        help="design, repeatable (default: every multiplier variant, or every "
                             "approximate one of --format)")
    parser.add_argument("--width", type=integer(), default=None,
                        help="operand width (default 8; integer designs)")
    add_format_option(parser)
    parser.add_argument("--frac-bits", type=integer(), default=None)
    add_variant_options(parser)
    add_foreign_options(parser, repeatable=True)
    parser.add_argument("--seed", type=integer(check_seed), default=0,
                        help="seed of the split, initial weights and batches (default 0)")
    parser.add_argument("--seeds", type=integer(check_seeds), default=DEFAULT_SEEDS,
                        help=f"digits-infer: the number of seeds from --seed the accuracy's mean "
                             f"and range are taken over, 1 to {MAX_SEEDS} "
                             f"(default {DEFAULT_SEEDS})")
    parser.add_argument("--epochs", type=integer(check_epochs), default=10,
                        help="training epochs, 1 to 100 (default 10)")
    parser.add_argument("-o", "--output", type=output_file, default=None,
                        help="image: write the output images side by side to this PNG")
    parser.set_defaults(stages=0)


def add_onnx_arguments(parser: argparse.ArgumentParser) -> None:
    """The data of an ONNX model (``apply --onnx``, ``report --app onnx:MODEL``)."""
    parser.add_argument("--inputs", type=nonempty, default=None, metavar="FILE",
                        help="an ONNX model's inputs, samples first: .npy (a model of one "
                             "input) or .npz (an array per input name)")
    parser.add_argument("--labels", type=nonempty, default=None, metavar="FILE",
                        help="one integer label per sample (.npy, or .npz of one array), for "
                             "the accuracy")


def check_batch(value: int) -> int:
    from ...rtl.params import check_int

    return check_int(value, name="Batch", minimum=1, maximum=MAX_BATCH)


def onnx_workload(path: str, args: argparse.Namespace):
    """The ONNX model at ``path``, its ``--inputs`` and ``--labels`` (``None`` without), each
    checked: a bad one is a one-line usage error."""
    from ..apps import onnx_graph

    if args.inputs is None:
        raise UsageError("an ONNX model needs --inputs FILE (.npy or .npz, samples first)")
    try:
        model = onnx_graph.Model(path)
        inputs = onnx_graph.check_inputs(model, onnx_graph.read_array_file(args.inputs,
                                                                           what="Inputs"))
        labels = None
        if args.labels is not None:
            labels = onnx_graph.check_labels(
                onnx_graph.read_array_file(args.labels, what="Labels"),
                len(next(iter(inputs.values()))))
    except ValueError as error:
        raise UsageError(str(error)) from None
    return model, inputs, labels


def onnx_designs(args: argparse.Namespace, model, variants: list[str] | None, *,
                 width: int | None) -> list:
    """The designs of ``variants`` (``None``: every approximate one) for ``model``: integer
    designs for a quantised model at ``width`` (``None``: the narrowest that holds its operands
    less zero points), signed where its operands are or with ``--signed``; for a float model or
    with ``--format``, designs in ``--format`` (fp32 by default); with ``--verilog``, its
    designs instead."""
    foreign = foreign_designs_from(args)
    if foreign:
        designs = onnx_foreign_designs(args, model, catalogue_options_refused(args, foreign))
    else:
        designs = catalogue_onnx_designs(args, model, variants, width=width)
    return checked_onnx_designs(model, designs)


def onnx_foreign_designs(args: argparse.Namespace, model, foreign: list) -> list:
    """The ``--verilog`` designs for ``model``: where its operands less zero points go negative,
    an unsigned design takes their magnitudes (sign and magnitude)."""
    from ..apps import onnx_graph

    fields = onnx_graph.integer_fields(model, signed=args.signed)
    if fields is None or not fields["signed"]:
        return foreign
    from ...sim.apply import SignMagnitude

    return [design if design.signed else SignMagnitude(design) for design in foreign]


def checked_onnx_designs(model, designs: list) -> list:
    """``designs``, each checked to take ``model``'s operands (else one line)."""
    from ..apps import onnx_graph

    try:
        for design in designs:
            onnx_graph.check_design(model, design)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return designs


def catalogue_onnx_designs(args: argparse.Namespace, model, variants: list[str] | None, *,
                           width: int | None) -> list:
    """The catalogue's designs of :func:`onnx_designs`."""
    from ..apps import onnx_graph

    fields = onnx_graph.integer_fields(model, signed=args.signed)
    float_format = args.format if args.format != "int" or fields is not None else "fp32"
    args = argparse.Namespace(**{**vars(args), "format": float_format, "width": width,
                                 "variant": variants})
    if float_format != "int":
        designs = [design_from(args, variant=v) for v in multiplier_variants(args)]
    else:
        designs = [design_from(args, variant=v, width=width or fields["width"],
                               signed=fields["signed"]) for v in multiplier_variants(args)]
    return designs


def evaluate_onnx(model, inputs, labels, designs: list, *, batch: int,
                  output: str | None = None) -> dict:
    """:func:`~mitchell.reports.apps.onnx_graph.evaluate` with a progress bar."""
    from ..apps import onnx_graph
    from ..error.progress import Progress

    progress = Progress(f"{model.name}, {len(designs)} designs")
    try:
        return onnx_graph.evaluate(model, inputs, designs, labels=labels, batch=batch,
                                   output=output, progress=progress)
    except ValueError as error:
        raise UsageError(str(error)) from None
    finally:
        progress.close()


def run_onnx(args: argparse.Namespace) -> int:
    import json

    from ..apps import onnx_graph
    from ..apps.application import text_table

    if args.task is not None:
        raise UsageError(f"--task and --onnx are two workloads: give one, not --task {args.task} "
                         f"with --onnx")
    if args.output is not None:
        raise UsageError("-o writes the image task's pictures; --onnx prints its results "
                         "(--json for JSON)")
    model, inputs, labels = onnx_workload(args.onnx, args)
    designs = onnx_designs(args, model, args.variant, width=args.width)
    result = evaluate_onnx(model, inputs, labels, designs, batch=args.batch, output=args.logits)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{onnx_graph.describe(result)}.")
        print(text_table(onnx_graph.HEADER, onnx_graph.lines(result)))
    return 0


def operand_width(args: argparse.Namespace) -> int:
    """``--width``, 8 by default (the workloads' operands are 8-bit)."""
    return 8 if args.width is None else args.width


def multiplier_variants(args: argparse.Namespace) -> list[str]:
    """``--variant`` as given, or every approximate multiplier of the catalogue (those whose
    golden model is not their baseline's: an exact circuit of another structure adds a row
    equal to the baseline's), or with ``--format`` every floating-point variant but the exact
    one."""
    if args.format != "int":
        return args.variant or [name for name, entry in float_variants().items()
                                if entry.name not in BASELINES]
    return args.variant or [
        name for name, entry in CATALOGUE.items() if entry.kind.name == "multiplier"
        and entry.golden is not CATALOGUE[entry.kind.baseline].golden]


def catalogue_options_refused(args: argparse.Namespace, foreign: list) -> list:
    """The ``foreign`` designs, once no option that names a catalogue design is given."""
    for option, given in (("--variant", args.variant), ("--width", args.width),
                          ("--format", args.format != "int"),
                          ("--frac-bits", args.frac_bits is not None), ("--param", args.param)):
        if given:
            raise UsageError(f"{option} names a catalogue design; --verilog designs are their "
                             f"own")
    return foreign


def workload_designs(foreign: list, *, signed: bool | None, workload: str) -> list:
    """The ``--verilog`` designs for a built-in workload, whose operands are 8-bit (``signed``,
    unsigned, or ``None``: either): an unsigned design takes signed operands as sign and
    magnitude; a design of another width, or a signed one on unsigned operands, is refused."""
    from ...sim.apply import SignMagnitude

    operands = "signed 8-bit" if signed else "8-bit"
    for design in foreign:
        if design.width != 8 or (design.signed and signed is False):
            raise UsageError(f"{workload} multiplies {operands} operands, not those of "
                             f"{design.label}")
    return [SignMagnitude(design) if signed and not design.signed else design
            for design in foreign]


def apply_designs(args: argparse.Namespace, **fields) -> list:
    """The multipliers ``mitchell apply`` runs: each variant with the design options and
    ``fields`` (at ``--width``, 8 by default; a floating-point design's width is its
    format's), or the ``--verilog`` designs (:func:`workload_designs`)."""
    foreign = foreign_designs_from(args)
    if foreign:
        catalogue_options_refused(args, foreign)
        return workload_designs(foreign, signed=fields.get("signed"),
                                workload=f"--task {args.task}")
    designs = [design_from(args, variant=variant, width=operand_width(args), **fields)
               for variant in multiplier_variants(args)]
    for design in designs:
        if design.format == "int" and design.entry.kind.name != "multiplier":
            raise UsageError(f"apply takes multipliers, not {design.variant!r}")
    return designs


def run(args: argparse.Namespace) -> int:
    from ..apps import application as app
    from ..apps.images import check_design

    if args.onnx is not None:
        return run_onnx(args)
    if args.task is None:
        raise UsageError("give a workload: --task digits-infer, digits-train or image, or "
                         "--onnx MODEL")
    for option, given in (("--inputs", args.inputs), ("--labels", args.labels),
                          ("--logits", args.logits), ("--json", args.json)):
        if given:
            raise UsageError(f"{option} goes with --onnx, not with --task {args.task}")

    if args.task == "digits-train":
        if args.verilog or args.variant or args.param or args.frac_bits is not None or args.signed \
                or args.format != "int":
            raise UsageError("digits-train trains with fp32 products (exact, and Mitchell's "
                             "fp32 bit-pattern product); design options apply to digits-infer "
                             "and image")
        result, _ = app.digits_train(epochs=args.epochs, seed=args.seed)
        print(f"{app.describe_train(result)}.")
        print(app.text_table(app.TRAIN_HEADER, app.train_lines(result)))
        print(f"seconds: exact {result['seconds'][0]:.1f}, Mitchell {result['seconds'][1]:.1f}")
        return 0
    if args.task == "digits-infer":
        designs = apply_designs(args, signed=True)
        designs = list(dict.fromkeys([designs[0].baseline, *designs]))
        width = None  # a floating-point design runs in its format, unquantised
        if args.format == "int":
            width = operand_width(args)
            try:
                app.check_infer_width(width)
            except ValueError as error:
                raise UsageError(str(error)) from None
        result = app.digits_infer(designs, width=width, epochs=args.epochs, seed=args.seed,
                                  seeds=args.seeds)
        print(f"{app.describe_infer(result)}.")
        print(app.text_table(app.INFER_HEADER, app.infer_lines(result)))
        return 0
    from ..apps import images
    from ...sim.files import check_file

    designs = apply_designs(args)
    try:
        for design in designs:
            check_design(design)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.output:
        check_file(args.output)
    result, outputs = images.run(designs)
    print(f"{app.describe_image(result)}.")
    print(app.text_table(app.IMAGE_HEADER, app.image_lines(result)))
    print(app.sobel_findings(result))
    if args.output:
        from ...sim.files import atomic_file
        with atomic_file(args.output) as writable:
            images.strip(outputs, writable)
        print(f"wrote {args.output}")
    return 0

"""``mitchell export``: a design as the lookup tables of approximate-DNN tools, or as a C model.

Layouts (all read back by the tests in these terms and compared with the golden model):

- ``tfapprox``: TFApprox's raw binary table, 65,536 ``uint16`` in the machine's byte order, entry
  ``a * 256 + b`` the product of the unsigned 8-bit operands ``a`` and ``b``.
- ``torchapprox``: a ``.npy`` of ``int16``, shape ``(256, 256)``, row = first operand, each axis
  indexed by the operand's 8-bit two's-complement pattern (0 .. 127, then -128 .. -1). Signed
  8-bit designs only: unsigned products reach 65,025, past ``int16``.
- ``adapt``: the same table as AdaPT's C header, ``const int16_t lut[256][256]``.
- ``npy``: the table of any design up to 8 bits, ``int32``, shape ``(2**w, 2**w)``, row = first
  operand's bit pattern (two's complement when signed), column = second's.
- ``c``: a ``.c``/``.h`` pair with one function, ``uint64_t mitchell16u(uint16_t a, uint16_t b)``
  (``int64_t ...s(int16_t, int16_t)`` when signed), for widths up to 32, with the design's
  parameters and error metrics (and area, when measured) in its header comment. A
  floating-point design (``--format``) has one function on bit patterns,
  ``uint16_t bf16_mitchell(uint16_t a, uint16_t b)`` (``uint8_t`` for fp8, ``uint32_t`` for fp32),
  with the guards of :mod:`mitchell.sim.float_golden` in their order. This is its only layout:
  the tables above are of integer products. A foreign design (``--verilog``) has the same
  function, ``uint64_t TOP_8u(uint8_t a, uint8_t b)``, made from its netlist, the gates of
  :mod:`mitchell.sim.foreign` (Yosys's flattening, the model the error kernel evaluates): each
  net a ``uint64_t`` word, each gate one line in topological order (the formulas of
  :data:`~mitchell.sim.foreign.FORMULAS`), the operands' bits spread to all-ones or zero words
  and the product read from bit 0 of the outputs' (EvoApproxLib ships such a C model beside each
  netlist; this one is generated from the user's file and carries our metrics).

The C model's function is named after the design, with the options off their defaults in the
name (``mitch_w16u_w6``, ``mitchell16u_f8``); it reads the low ``width`` bits of each argument
and follows the golden model step by step in plain C99 (``stdint.h`` only; its helpers are
``static`` and prefixed with the function's name, so several models link together). Its header
comment carries, EvoApproxLib-style, the design, its operands and ``ER%``, ``MRED%``, ``WCRE%``,
``bias%``, ``NMED%`` and ``WCE`` from ``mitchell error``'s code (exhaustive up to 12 bits, else
``--samples`` random pairs), and with ``--area`` the generic synthesis figures.
``tests/test_export.py`` reads every table back by its layout and compiles every C model with
``cc -std=c99 -Wall -Wextra -Werror``, comparing it with the golden model.

Refused with one line, exit status 2 and no file: a table layout at a width other than 8
(``npy``: above 8), an unsigned design to ``torchapprox`` or ``adapt``, a signed one to
``tfapprox``, a width above 32 for ``c``, a divider, and ``--format`` with a table layout.
"""
import os
import re
from importlib.metadata import version
from pathlib import Path

import numpy as np

from ...rtl.dadda import merged_pairs
from ...rtl.float_format import FloatFormat
from ...rtl.realm_table import realm_table
from ...sim.catalogue import CATALOGUE, DIVIDER, FLOAT_MULTIPLIER
from ...sim.design import Design
from ...sim.float_design import FloatDesign
from ...sim.files import OutputError, atomic_file
from ...sim.foreign import FORMULAS, is_foreign
from ...sim.vectors import exhaustive

LAYOUTS = ("tfapprox", "torchapprox", "adapt", "npy", "c")
TABLE_WIDTH = 8
C_MAX_WIDTH = 32


def check_export(design: Design, layout: str) -> None:
    """Raises ValueError, with the reason, if ``layout`` cannot hold ``design``."""
    if layout not in LAYOUTS:
        raise ValueError(f"Layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if isinstance(design, FloatDesign):
        if layout != "c":
            raise ValueError(f"Layout {layout} holds a table of integer products; a "
                             f"floating-point design (--format {design.format}) exports as "
                             f"--layout c")
        return
    if design.entry.kind.name != "multiplier":
        raise ValueError(f"Exports take multipliers, not {design.variant!r}")
    if layout == "c":
        if design.width > C_MAX_WIDTH:
            raise ValueError(f"Layout c models widths up to {C_MAX_WIDTH} bits, not "
                             f"{design.width}")
        if not is_foreign(design):
            c_core(design)  # a design without a C model says so here
        return
    if layout == "npy":
        if design.width > TABLE_WIDTH:
            raise ValueError(f"Layout npy holds a table of every product, for widths up to "
                             f"{TABLE_WIDTH}, not {design.width}; use --layout c")
        return
    if design.width != TABLE_WIDTH:
        raise ValueError(f"Layout {layout} holds 8-bit operands, so --width must be 8, not "
                         f"{design.width}; use --layout c for other widths")
    if layout == "tfapprox" and design.signed:
        raise ValueError("Layout tfapprox takes unsigned 8-bit operands; drop --signed")
    if layout != "tfapprox" and not design.signed:
        raise ValueError(f"Layout {layout} holds int16 products of signed 8-bit operands; an "
                         f"unsigned design's products reach 65,025, past int16's 32,767: add "
                         f"--signed")


def table(design: Design) -> np.ndarray:
    """Every product of ``design`` as a number, shape ``(2**w, 2**w)``, indexed by the operands'
    bit patterns (row = first operand)."""
    a, b = exhaustive(design.width)
    size = 1 << design.width
    return design.output_values(design.golden(a, b)).astype(np.int64).reshape(size, size)


def _narrowed(values: np.ndarray, dtype) -> np.ndarray:
    info = np.iinfo(dtype)
    if values.min() < info.min or values.max() > info.max:
        raise ValueError(f"Products {values.min()} .. {values.max()} do not fit {np.dtype(dtype)}")
    return values.astype(dtype)


def function_name(design: Design) -> str:
    """The C function's name: variant, width, ``u``/``s``, and the options off their defaults;
    for a floating-point design, format and variant (``fp8_e4m3_lmul``)."""
    if isinstance(design, FloatDesign):
        return f"{design.format.replace('-', '_')}_{design.variant}"
    if is_foreign(design):
        return f"{design.top.replace('$', '_')}_{design.width}{'s' if design.signed else 'u'}"
    name = f"{design.variant.replace('-', '_')}{design.width}{'s' if design.signed else 'u'}"
    defaults = Design(variant=design.variant, width=design.width)
    if design.frac_bits != defaults.frac_bits:
        name += f"_f{design.frac_bits}"
    outputs = {parameter.name for parameter in design.entry.parameters if parameter.output}
    for (key, value), (_, default) in zip(design.params, defaults.params):
        if key in outputs and value != default:
            name += f"_{key}{value}"
    return name


def default_output(design: Design, layout: str) -> str:
    """The file written when ``-o`` is not given (for ``c``, the ``.c`` of the pair)."""
    name = function_name(design)
    return {"tfapprox": f"{name}_tfapprox.bin", "torchapprox": f"{name}_torchapprox.npy",
            "adapt": f"{name}_adapt.h", "npy": f"{name}_row-a_col-b.npy", "c": f"{name}.c"}[layout]


def c_paths(output: str) -> tuple[Path, Path]:
    """The ``.c`` and ``.h`` that ``-o output`` names: ``NAME.c`` or ``NAME.h`` gives both
    ``NAME.c`` and ``NAME.h``; any other name gets both suffixes added."""
    path = Path(output)
    stem = path.with_suffix("") if path.suffix in (".c", ".h") else path
    return stem.with_name(stem.name + ".c"), stem.with_name(stem.name + ".h")


def _pattern_table(design: Design) -> np.ndarray:
    return _narrowed(table(design), np.int16)


def adapt_header(design: Design) -> str:
    rows = ",\n".join("    {" + ", ".join(str(int(v)) for v in row) + "}"
                      for row in _pattern_table(design))
    return (f"// {design.label}: AdaPT lookup table, lut[a][b] = a * b approximated;\n"
            f"// each index is the operand's 8-bit two's-complement pattern (0..127, then "
            f"-128..-1).\n// Written by mitchell {version('mitchell')} (mitchell export --layout "
            f"adapt).\n#include <stdint.h>\n\nconst int16_t lut[256][256] = {{\n{rows}\n}};\n")


def _write(path: str, write) -> None:
    """``write(stream)`` into ``path`` through :func:`atomic_file`."""
    with atomic_file(path) as writable:
        try:
            with open(writable, "wb") as stream:
                write(stream)
        except OSError as error:
            raise OutputError(f"Cannot write {os.fspath(path)!r} ({error.strerror})") from None


def export(design: Design, layout: str, output: str, *, metrics: dict | None = None,
           area: dict | None = None) -> list[str]:
    """Writes ``design`` in ``layout`` to ``output``; returns the files written. ``metrics``
    (from :func:`mitchell.reports.error.error_analysis.measure`) and ``area`` go into a C model's
    header comment."""
    check_export(design, layout)
    if layout == "c":
        if os.path.exists(output) and not os.path.isfile(output):
            kind = "folder" if os.path.isdir(output) else "device or FIFO"
            raise OutputError(f"Layout c writes two files, NAME.c and NAME.h; -o must name a "
                              f"file, not the {kind} {output!r}")
        source, header = c_paths(output)
        c_text, h_text = c_model(design, header=header.name, metrics=metrics, area=area)
        # Both are written before either is moved into place.
        with atomic_file(source) as writable_source, atomic_file(header) as writable_header:
            try:
                writable_header.write_text(h_text)
                writable_source.write_text(c_text)
            except OSError as error:
                raise OutputError(f"Cannot write {output!r} ({error.strerror})") from None
        return [str(source), str(header)]
    if layout == "tfapprox":
        data = _narrowed(table(design), np.uint16).reshape(-1)
        _write(output, lambda stream: stream.write(data.tobytes()))
    elif layout == "torchapprox":
        data = _pattern_table(design)
        _write(output, lambda stream: np.save(stream, data))
    elif layout == "adapt":
        text = adapt_header(design)
        _write(output, lambda stream: stream.write(text.encode()))
    else:
        data = _narrowed(table(design), np.int32)
        _write(output, lambda stream: np.save(stream, data))
    return [output]


# The C model. Each core takes the magnitudes as uint64_t (width <= 32 bits, so every product
# and every intermediate fits) and follows the golden model of :mod:`mitchell.sim.golden` step
# by step; the tests compare the compiled function with that model.

_LOG2 = """static int {p}_log2(uint64_t x)  /* floor(log2(x)), x != 0 */
{{
#if defined(__GNUC__)
    return 63 - __builtin_clzll(x);
#else
    int k = 0;
    while (x >>= 1) k++;
    return k;
#endif
}}
"""

_LOG = _LOG2 + """
/* The fraction of x != 0 (x = 2^k + r): r aligned under the leading one, truncated to f bits. */
static uint64_t {p}_fraction(uint64_t x, int k, int f)
{{
    return ((x - ((uint64_t)1 << k)) << ({top} - k)) >> ({top} - f);
}}

/* floor((1 + fraction / 2^f) * 2^k) */
static uint64_t {p}_antilog(int k, uint64_t fraction, int f)
{{
    uint64_t mantissa = fraction | ((uint64_t)1 << f);
    return k >= f ? mantissa << (k - f) : mantissa >> (f - k);
}}
"""

_LOG_HEAD = """    int ka, kb;
    uint64_t xa, xb, sum;
    if (a == 0 || b == 0) return 0;
    ka = {p}_log2(a);
    kb = {p}_log2(b);
    xa = {p}_fraction(a, ka, {f});
    xb = {p}_fraction(b, kb, {f});
"""

_EXACT = ("", "    return a * b;\n")

#: The helpers and body of each multiplier's C core, by catalogue name.
CORES = {
    "exact": _EXACT,
    "exact-yosys": _EXACT,
    "mitchell": (_LOG, _LOG_HEAD + """    sum = xa + xb;
    return {p}_antilog(ka + kb + (int)(sum >> {f}), sum & {fmask}, {f});
"""),
    "mitch-w": (_LOG, _LOG_HEAD + """    /* w - 2 mantissa bits kept, then a 1 appended to each */
    sum = (xa << 1) + 1 + (xb << 1) + 1;
    return {p}_antilog(ka + kb + (int)(sum >> ({f} + 1)), sum & {f1mask}, {f} + 1);
"""),
    "dr-alm": (_LOG, _LOG_HEAD + """    /* t - 2 mantissa bits kept, then a 1 appended to each, and a carry-in of 1 */
    sum = (xa << 1) + 1 + (xb << 1) + 1 + 1;
    return {p}_antilog(ka + kb + (int)(sum >> ({f} + 1)), sum & {f1mask}, {f} + 1);
"""),
    "mbm": (_LOG, _LOG_HEAD + """    sum = xa + xb;
    {{
        int carry = (int)(sum >> {f});
        uint64_t fraction = sum & {fmask};
        uint64_t corrected = fraction + (carry ? {with_carry} : {no_carry});
        if ((corrected >> {f}) == 0) fraction = corrected;  /* skipped where it would overflow */
        return {p}_antilog(ka + kb + carry, fraction, {f});
    }}
"""),
    "realm": (_LOG + """
/* The factors of the 2^m x 2^m segments, in units of 2^-f, entry (i << m) | j. */
static const uint64_t {p}_factors[{entries}] = {{{table}}};
""", _LOG_HEAD + """    sum = xa + xb + {carry_in};  /* carry-in 1: half a unit appended to truncated mantissas */
    {{
        int carry = (int)(sum >> {f});
        uint64_t fraction = sum & {fmask};
        uint64_t index = ((xa >> ({f} - {m})) << {m}) | (xb >> ({f} - {m}));
        fraction += {p}_factors[index] >> carry;
        if (fraction > {fmask}) {{  /* past the binade: halved into the next, or saturated */
            fraction = carry ? {fmask} : (fraction - {fmask} - 1) >> 1;
            carry = 1;
        }}
        return {p}_antilog(ka + kb + carry, fraction, {f});
    }}
"""),
    "alm-soa": (_LOG, _LOG_HEAD + """    {{
        uint64_t wa = ((uint64_t)ka << {f}) + xa, wb = ((uint64_t)kb << {f}) + xb;
        uint64_t carry_in = (wa >> ({w} - 1)) & (wb >> ({w} - 1)) & 1;
        sum = (((wa >> {w}) + (wb >> {w}) + carry_in) << {w}) + {wmask};
        return {p}_antilog((int)(sum >> {f}), sum & {fmask}, {f});
    }}
"""),
    "ilm": (_LOG2, """    uint64_t total = 0;
    int i;
    for (i = 0; i <= {corrections} && a != 0 && b != 0; i++) {{
        int ka = {p}_log2(a), kb = {p}_log2(b);
        uint64_t ra = a - ((uint64_t)1 << ka), rb = b - ((uint64_t)1 << kb);
        total += ((uint64_t)1 << (ka + kb)) + (ra << kb) + (rb << ka);
        a = ra;
        b = rb;
    }}
    return total;
"""),
    "truncated": ("", """    /* a * b less the partial products of the columns below {cut}, less 2^(i+j) where both
       products of a merged pair are 1, plus the correction */
    uint64_t p = a * b;
    int i;
    for (i = 0; i < {cut} && i < {width}; i++)
        p -= ((a & (((uint64_t)1 << ({cut} - i < {width} ? {cut} - i : {width})) - 1))
              * ((b >> i) & 1)) << i;
{merged}    return p + {correction}u;
"""),
    "nearest-one": (_LOG2 + """
static int {p}_nearest(uint64_t x)  /* log2 of the power of two nearest x != 0 */
{{
    int k = {p}_log2(x);
    return k > 0 ? k + (int)((x >> (k - 1)) & 1) : k;
}}

static uint64_t {p}_power(int k)  /* 2^k modulo 2^64 */
{{
    return k >= 64 ? 0 : (uint64_t)1 << k;
}}
""", """    /* Residues may be negative: the sum is taken modulo 2^64, where the product fits. */
    int ka, kb;
    uint64_t ra, rb;
    if (a == 0 || b == 0) return 0;
    ka = {p}_nearest(a);
    kb = {p}_nearest(b);
    ra = a - {p}_power(ka);
    rb = b - {p}_power(kb);
    return {p}_power(ka + kb) + (ra << kb) + (rb << ka);
"""),
}


#: The catalogue's designs without a C core, and why.
WITHOUT_CORE = {**{name: "a divider: every layout holds products"
                   for name, entry in CATALOGUE.items() if entry.kind is DIVIDER},
                **{name: "a floating-point design: its C model is FLOAT_MAGNITUDES'"
                   for name, entry in CATALOGUE.items() if entry.kind is FLOAT_MULTIPLIER}}


def c_core(design: Design) -> tuple[str, str]:
    """The helpers and the body of the C core of ``design``'s golden model."""
    if design.variant not in CORES:
        raise ValueError(f"Layout c has no model of {design.variant!r} yet")
    options = design.options
    f = design.frac_bits if design.frac_bits is not None else design.width - 1
    if design.variant == "mitch-w":
        f = options["w"] - 2
    if design.variant == "dr-alm":
        f = options["t"] - 2
    values = dict(p=function_name(design), top=design.width - 1, f=f,
                  fmask=f"0x{(1 << f) - 1:X}u", f1mask=f"0x{(1 << (f + 1)) - 1:X}u",
                  no_carry=f"{(1 << f) // 12}u", with_carry=f"{(1 << f) // 24}u",
                  corrections=options.get("corrections", 0))
    if design.variant == "alm-soa":
        values.update(w=options["w"], wmask=f"0x{(1 << options['w']) - 1:X}u")
    if design.variant == "truncated":
        cut = options["cut"]
        values.update(cut=cut, width=design.width, correction=1 << cut >> 1, merged="".join(
            f"    p -= ((a >> {i}) & (b >> {j}) & (a >> {j}) & (b >> {i}) & 1) << {i + j};\n"
            for i, j in merged_pairs(design.width, cut, options["merge"])))
    if design.variant == "realm":
        f = options["t"]
        values.update(f=f, fmask=f"0x{(1 << f) - 1:X}u")
        m = min(options["m"], f)
        table = realm_table(m=m, frac_bits=f)
        values.update(m=m, entries=len(table), carry_in=int(f < design.width - 1),
                      table=", ".join(f"{value}u" for value in table))
    helpers, body = CORES[design.variant]
    return helpers.format(**values), body.format(**values)


def _c_type(width: int, signed: bool) -> str:
    bits = next(bits for bits in (8, 16, 32) if width <= bits)
    return f"{'' if signed else 'u'}int{bits}_t"


def _integer_prototype(design: Design) -> str:
    """The C model's function of an integer design: operands of the narrowest C type that holds
    them, the product as ``int64_t`` or ``uint64_t``."""
    operand = _c_type(design.width, design.signed)
    return (f"{'int64_t' if design.signed else 'uint64_t'} {function_name(design)}"
            f"({operand} a, {operand} b)")


def _pattern_return(double: int) -> str:
    """The C statement that returns the ``double``-bit two's-complement pattern ``p`` (a
    ``uint64_t``) as an ``int64_t``."""
    mask = "UINT64_MAX" if double == 64 else f"0x{(1 << double) - 1:X}u"
    return (f"    /* p is a {double}-bit two's-complement pattern */\n"
            f"    return (p >> {double - 1}) ? -(int64_t)(~p & {mask}) - 1 : (int64_t)p;\n")


def _live_nets(netlist) -> np.ndarray:
    """Which nets the product depends on (a C variable never read is a warning)."""
    live = np.zeros(netlist.nets, dtype=bool)
    live[netlist.outputs] = True
    first = netlist.first_gate
    for gate in range(len(netlist.ops) - 1, -1, -1):
        if live[first + gate]:
            formula = FORMULAS[int(netlist.ops[gate])]
            for port, inputs in zip("abc", (netlist.in0, netlist.in1, netlist.in2)):
                if port in formula:
                    live[inputs[gate]] = True
    return live


def netlist_c_code(design, prototype: str) -> str:
    """The C definition of ``prototype``, a foreign design's netlist: a static function of the
    operands' bit planes (one pair per bit of each ``uint64_t``, every live gate one line in
    topological order) and ``prototype`` around it."""
    netlist, name, n = design.netlist, function_name(design), design.width
    live = _live_nets(netlist)
    sources = [("n0", "0"), ("n1", "~(uint64_t)0")] \
        + [(f"n{2 + i}", f"a[{i}]") for i in range(n)] \
        + [(f"n{2 + n + i}", f"b[{i}]") for i in range(n)]
    lines = [f"    const uint64_t {net} = {value};\n"
             for index, (net, value) in enumerate(sources) if live[index]]
    for gate, opcode in enumerate(netlist.ops.tolist()):
        if live[netlist.first_gate + gate]:
            inputs = {port: f"n{nets[gate]}" for port, nets in
                      zip("abc", (netlist.in0, netlist.in1, netlist.in2))}
            formula = re.sub("[abc]", lambda port: inputs[port.group()], FORMULAS[opcode])
            lines.append(f"    const uint64_t n{netlist.first_gate + gate} = {formula};\n")
    lines += [f"    p[{k}] = n{net};\n" for k, net in enumerate(netlist.outputs.tolist())]
    planes = (f"/* Module {design.top} of {os.path.basename(design.path)} flattened by Yosys to "
              f"{len(netlist.ops):,} simple gates (mitchell.sim.foreign),\n   the live ones here in "
              f"topological order. Each net is a 64-bit word: bit j of every word belongs "
              f"to pair j. */\n"
              f"static void {name}_planes(const uint64_t a[{n}], const uint64_t b[{n}], "
              f"uint64_t p[{2 * n}])\n{{\n{''.join(lines)}}}\n")
    public = (f"{prototype}\n{{\n"
              f"    uint64_t x[{n}], y[{n}], planes[{2 * n}], p = 0;\n"
              f"    int i;\n"
              f"    /* The low {n} bits of each operand, each bit a word of ones or zeros. */\n"
              f"    for (i = 0; i < {n}; i++) {{\n"
              f"        x[i] = 0 - (((uint64_t)a >> i) & 1);\n"
              f"        y[i] = 0 - (((uint64_t)b >> i) & 1);\n"
              f"    }}\n"
              f"    {name}_planes(x, y, planes);\n"
              f"    for (i = 0; i < {2 * n}; i++) p |= (planes[i] & 1) << i;\n"
              + (_pattern_return(2 * n) if design.signed else "    return p;\n") + "}\n")
    return f"{planes}\n{public}"


def header_comment(design: Design | FloatDesign, *, metrics: dict | None,
                   area: dict | None) -> str:
    from ..error.metrics import describe_pairs

    written = (f"Written by mitchell {version('mitchell')} (mitchell export --layout c); the tests "
               f"compare it with the golden model.")
    if isinstance(design, FloatDesign):
        lines = [f"{function_name(design)}: {design.label}", f"{design.entry.summary}.",
                 *_float_operands(design.fmt), written]
        if metrics is not None:
            lines.append(f"Error against the exact product rounded to nearest even over "
                         f"{describe_pairs(metrics)}, over the {metrics['relative_pairs']:,} "
                         f"where both results are normal:")
            lines += [f"MRED% = {100 * metrics['mred']:.4f}",
                      f"WCRE% = {100 * metrics['wcre']:.4f}",
                      f"bias% = {100 * metrics['bias']:.4f}",
                      f"results of another class (zero, normal, infinity, NaN) than the "
                      f"exact product's, at the ends of the range = {metrics['class_mismatches']:,}"]
    else:
        kind = "signed (two's complement)" if design.signed else "unsigned"
        lines = [f"{function_name(design)}: {design.label}",
                 f"{design.entry.summary}.",
                 f"Operands: {kind} {design.width}-bit (only the low {design.width} bits of each "
                 f"argument are read); result: the {2 * design.width}-bit product p as a number.",
                 written]
        if metrics is not None:
            lines.append(f"Error against the exact product over {describe_pairs(metrics)} "
                         f"(MRED, WCRE, bias over the {metrics['relative_pairs']:,} with P != 0):")
            lines += [f"ER% = {100 * metrics['er']:.4f}", f"MRED% = {100 * metrics['mred']:.4f}",
                      f"WCRE% = {100 * metrics['wcre']:.4f}",
                      f"bias% = {100 * metrics['bias']:.4f}",
                      f"NMED% = {100 * metrics['nmed']:.6f}", f"WCE = {metrics['wce']}"]
    if area is not None:
        lines.append("Area (Yosys synth -flatten, abc -g cmos2; iCE40 HX8K with nextpnr-ice40):")
        lines += [f"{key} = {value}" for key, value in area.items()]
    else:
        lines.append("Area: not measured here (mitchell export --area runs Yosys and nextpnr)")
    return "".join(f"// {line}\n" for line in lines)


def _float_operands(fmt: FloatFormat) -> list[str]:
    """The header comment's description of a format's patterns and of the guards."""
    infinity = ["infinity * zero (or subnormal) -> NaN;", "infinity * finite -> signed infinity;"]
    return [f"Operands and result: {fmt.name} bit patterns (sign, {fmt.exponent_bits} exponent "
            f"bits biased by {fmt.bias}, {fmt.mantissa_bits} fraction bits).",
            "Guards (those of mitchell.sim.float_golden), in this order:",
            f"NaN operand -> NaN 0x{fmt.nan:X};", *(infinity if fmt.infinities else []),
            "zero or subnormal operand -> signed zero;",
            "result below the smallest normal -> signed zero;",
            "result above the largest finite -> "
            + ("signed infinity." if fmt.infinities else "NaN (E4M3 has no infinity).")]


def _c_pair(name: str, comment: str, prototype: str, header: str,
            code: str) -> tuple[str, str]:
    """The ``.c`` and ``.h`` texts of one function ``name``: the ``.h`` declares ``prototype``,
    the ``.c`` (``code``, defining it) includes ``header``."""
    guard = f"{name.upper()}_H"
    h_text = (f"{comment}#ifndef {guard}\n#define {guard}\n\n#include <stdint.h>\n\n"
              f"{prototype};\n\n#endif\n")
    return f"{comment}#include \"{header}\"\n\n{code}", h_text


def c_model(design: Design | FloatDesign, *, header: str, metrics: dict | None = None,
            area: dict | None = None) -> tuple[str, str]:
    """The ``.c`` and ``.h`` texts of ``design``'s C model; ``header`` is the ``.h``'s file name,
    which the ``.c`` includes."""
    name = function_name(design)
    comment = header_comment(design, metrics=metrics, area=area)
    if isinstance(design, FloatDesign):
        pattern = f"uint{design.width}_t"
        prototype = f"{pattern} {name}({pattern} a, {pattern} b)"
        return _c_pair(name, comment, prototype, header, float_c_code(design, prototype))
    prototype = _integer_prototype(design)
    if is_foreign(design):
        return _c_pair(name, comment, prototype, header, netlist_c_code(design, prototype))
    helpers, body = c_core(design)
    mask = f"0x{(1 << design.width) - 1:X}u"
    # With drop, the design's own arithmetic is a function of its own and the core truncates it.
    dropped = design.dropped_bits
    arithmetic = f"{name}_untruncated" if dropped else f"{name}_core"
    core = f"static uint64_t {arithmetic}(uint64_t a, uint64_t b)\n{{\n{body}}}\n"
    if dropped:
        core += (f"\nstatic uint64_t {name}_core(uint64_t a, uint64_t b)\n{{\n"
                 f"    return {arithmetic}(a, b) >> {dropped} << {dropped};\n}}\n")
    if design.signed:
        top, double = design.width - 1, 2 * design.width
        double_mask = "UINT64_MAX" if double == 64 else f"0x{(1 << double) - 1:X}u"
        public = f"""{prototype}
{{
    /* Sign-magnitude around the unsigned core, as the circuit: the magnitude of -2^{top} is
       2^{top}, which fits the core's {design.width} bits. */
    uint64_t pa = (uint64_t)a & {mask}, pb = (uint64_t)b & {mask};
    int na = (int)(pa >> {top}), nb = (int)(pb >> {top});
    uint64_t p = {name}_core(na ? (0 - pa) & {mask} : pa, nb ? (0 - pb) & {mask} : pb);
    if (na != nb) p = (0 - p) & {double_mask};
{_pattern_return(double)}}}
"""
    else:
        public = f"{prototype}\n{{\n    return {name}_core((uint64_t)a & {mask}, " \
                 f"(uint64_t)b & {mask});\n}}\n"
    return _c_pair(name, comment, prototype, header, f"{helpers}\n{core}\n{public}")


# The floating-point C model: the guards of mitchell.sim.float_golden.guarded, in its order,
# around the magnitude of the product of two normal operands, all on int64_t (an fp32 magnitude
# sum, and a 24 x 24-bit significand product, fit).

_ROUNDED = """/* The product of normal magnitudes x, y rounded to nearest even at the fraction width, as an
   unbounded magnitude pattern (its exponent field may be below 1 or above the largest). */
static int64_t {p}_rounded(int64_t x, int64_t y)
{{
    int64_t significand = ((x & {mantissa_mask}) | {min_normal}) * ((y & {mantissa_mask}) | {min_normal});
    int64_t exponent = (x >> {m}) + (y >> {m}) - {bias};
    /* The significand product has 2m + 1 or 2m + 2 bits: drop m or m + 1 of them. */
    int top = (int)(significand >> {m2_1});
    int64_t kept = significand >> ({m} + top);
    int64_t dropped = significand - (kept << ({m} + top));
    int64_t half = (int64_t)1 << ({m} - 1 + top);
    int up = dropped > half || (dropped == half && (kept & 1) == 1);
    /* kept holds the implicit one at bit m; a round-up carry into bit m + 1 moves to the
       exponent by the same addition. */
    return (exponent + top) * {min_normal} + (kept - {min_normal}) + up;
}}

"""

#: The C expression of each floating-point design's unbounded magnitude, by catalogue name.
FLOAT_MAGNITUDES = {
    # The bit-pattern addition: a carry out of the fraction sum goes into the exponent.
    "float-mitchell": "x + y - {one}",
    "float-lmul": "x + y - {one} + {lmul_offset}",
    "float-exact": "{p}_rounded(x, y)",
}


def float_c_code(design: FloatDesign, prototype: str) -> str:
    """The C definition of ``prototype``, ``design``'s model, with its helper."""
    fmt = design.fmt
    digits = (fmt.width + 3) // 4
    hexadecimal = {key: f"0x{value:0{digits}X}" for key, value in dict(
        mantissa_mask=fmt.mantissa_mask, min_normal=fmt.min_normal, one=fmt.one,
        max_finite=fmt.max_finite, magnitude_mask=fmt.magnitude_mask,
        sign_mask=fmt.sign_mask, nan=fmt.nan, infinity=fmt.infinity or 0,
        lmul_offset=fmt.lmul_offset).items()}
    values = dict(hexadecimal, p=function_name(design), m=fmt.mantissa_bits,
                  m2_1=2 * fmt.mantissa_bits + 1, bias=fmt.bias,
                  pattern=f"uint{fmt.width}_t")
    if fmt.infinities:
        special = """    if (x > {infinity} || y > {infinity}) return {nan};  /* 1. NaN */
    if ((x == {infinity} && y < {min_normal}) || (y == {infinity} && x < {min_normal}))
        return {nan};  /* 2. infinity * zero (or subnormal) */
    if (x == {infinity} || y == {infinity}) return ({pattern})(sign | {infinity});  /* 3. */
"""
        overflow = "({pattern})(sign | {infinity})"
    else:
        special = "    if (x == {nan} || y == {nan}) return {nan};  /* 1. NaN (no infinities) */\n"
        overflow = "{nan}"
    body = """{prototype}
{{
    int64_t x = a & {magnitude_mask}, y = b & {magnitude_mask}, total;
    {pattern} sign = ({pattern})((a ^ b) & {sign_mask});
""" + special + """    if (x < {min_normal} || y < {min_normal}) return sign;  /* 4. zero or subnormal operand */
    /* the product's magnitude pattern, unbounded (either end may be passed) */
    total = """ + FLOAT_MAGNITUDES[design.entry.name] + """;
    if (total < {min_normal}) return sign;  /* 5. underflow */
    if (total > {max_finite}) return """ + overflow + """;  /* 6. overflow */
    return ({pattern})(sign | total);  /* 7. */
}}
"""
    helper = _ROUNDED if design.entry.name == "float-exact" else ""
    return (helper + body).format(prototype=prototype, **values)

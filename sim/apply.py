"""Approximate arithmetic on NumPy arrays: every product through a design's golden model.

``multiply``, ``matmul`` and ``conv2d`` take the operands as numbers and a ``design``:

- a :class:`~mitchell.sim.design.Design` (a multiplier of the catalogue: any variant, width and
  signedness). Operands are integers in the design's range (``0 .. 2**width - 1``, or
  ``-2**(width-1) .. 2**(width-1) - 1`` when signed); each product is the design's port value
  as a number, bit for bit the golden model's (:meth:`Design.golden`). Results are ``int64``
  where every value fits (``uint64`` for unsigned 32-bit products, Python ints above).
- a :class:`~mitchell.sim.float_design.FloatDesign` (a format and ``mitchell``, ``lmul`` or
  ``exact``). Operands are real numbers: each is rounded into the format to nearest even as IEEE
  conversion does (:func:`float_patterns`: subnormals included, which the design then flushes;
  past the largest finite, infinity, or NaN in E4M3), the golden model
  (:meth:`FloatDesign.golden`) runs on the patterns, and the result patterns are read back as
  ``float64`` values (:func:`float_values`): :func:`float_product`.
- or an elementwise product function ``f(a, b)`` of float arrays, such as
  :func:`mitchell_fp32_product` or ``numpy.multiply`` for the exact one.

``matmul`` approximates every product ``A[i, k] * B[k, j]`` and adds them exactly: in ``int64``
for a design (Python ints where ``K * 2**(2 * width)`` could pass ``2**63``), in ``float64`` for a
floating-point design or a product function. It works through blocks of at most :data:`BLOCK_PRODUCTS` (2**18) products,
so its memory beyond the operands and the result stays bounded whatever the shapes: designs up to
9 bits go through a table of all their products (256 KiB at 8 bits, 1 MiB at 9, built once from
the golden model), about 2 MiB at 256 columns; wider designs and product functions run the golden model on one
block at a time: 43 MiB traced for a 16-bit signed design and 18 MiB for the fp32 function
(peaks traced by ``tests/benchmarks/bench_apply.py``).

Example::

    >>> import numpy as np
    >>> from mitchell.sim import apply
    >>> from mitchell.sim.design import Design
    >>> mitchell8 = Design(variant="mitchell", width=8, signed=True)
    >>> apply.multiply(np.array([100, -3]), 7, mitchell8)        # exact: 700, -21
    array([672, -20])
    >>> apply.matmul(np.array([[1, 2], [3, 4]]), np.array([[5, 6], [7, 8]]), mitchell8)
    array([[19, 22],
           [42, 48]])

(exact: 19, 22, 43, 50; Mitchell's product of 3 and 5 is 14.)
"""
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..rtl.float_format import FloatFormat
from .design import Design, _as_signed, apply_signs
from .foreign import ForeignDesign
from .float_design import FloatDesign
from .float_golden import float_mitchell
from .vectors import exhaustive

__all__ = ["BLOCK_PRODUCTS", "LUT_MAX_WIDTH", "SignMagnitude", "multiply", "matmul", "conv2d", "im2col",
           "mitchell_fp32_product", "operand_range", "float_patterns", "float_values",
           "float_product"]

# Products formed at once by matmul and conv2d: bounds their working memory.
BLOCK_PRODUCTS = 1 << 18
# Designs up to this width are applied through a table of all their products (2**18 entries):
# 9 bits hold the operands of 8-bit quantised models once their zero points are subtracted
# (-255 .. 255, mitchell.reports.apps.onnx_graph).
LUT_MAX_WIDTH = 9


@dataclass(frozen=True)
class SignMagnitude:
    """An unsigned multiplier applied to signed operands as sign and magnitude, the way the
    catalogue's signed log multipliers wrap their unsigned core: ``a * b`` is ``M(|a|, |b|)``,
    negated when the signs differ, for operands of ``-(2**n - 1) .. 2**n - 1`` (``n`` the
    core's width). A quantised model's operands less their zero points are signed (``-255 ..
    255`` with 8-bit activations), so an unsigned 8-bit design (EvoApprox's ``mul8u_*``, say)
    serves them through this. It reads as a signed design of ``n + 1`` bits (two's-complement
    patterns in and out) with the core's catalogue entry; its baseline is the exact one's."""

    core: Design | ForeignDesign

    def __post_init__(self):
        if not isinstance(self.core, (Design, ForeignDesign)) or self.core.signed:
            raise ValueError(f"Sign and magnitude wraps an unsigned design, not {self.core!r}")

    signed = True
    format = "int"

    @property
    def width(self) -> int:
        return self.core.width + 1

    @property
    def out_width(self) -> int:
        return 2 * self.width

    @property
    def entry(self):
        return self.core.entry

    @property
    def variant(self) -> str:
        return self.core.variant

    @property
    def label(self) -> str:
        return f"{self.core.label}, sign and magnitude"

    @property
    def baseline(self) -> "SignMagnitude":
        return SignMagnitude(self.core.baseline)

    def golden(self, a, b) -> np.ndarray:
        """Products as ``2 * width``-bit two's-complement patterns of operand patterns; the
        pattern of ``-2**n``, whose magnitude the core cannot take, gives 0."""
        a, b = _as_signed(a, self.width), _as_signed(b, self.width)
        top = (1 << self.core.width) - 1
        magnitude_a, magnitude_b = np.abs(a), np.abs(b)
        fits = (magnitude_a <= top) & (magnitude_b <= top)
        core = self.core.golden(np.where(fits, magnitude_a, 0).astype(np.uint64),
                                np.where(fits, magnitude_b, 0).astype(np.uint64))
        magnitude = np.where(fits, core, 0).astype(np.uint64)
        return apply_signs(magnitude, a, b, bits=self.out_width)

    def output_values(self, p) -> np.ndarray:
        return _as_signed(p, self.out_width)


# Designs of integer operands: the catalogue's, foreign Verilog ones (mitchell.sim.foreign), and
# either made signed as sign and magnitude.
INTEGER_DESIGNS = (Design, ForeignDesign, SignMagnitude)


def operand_range(design: Design) -> tuple[int, int]:
    """The smallest and largest operand value of ``design``."""
    if isinstance(design, SignMagnitude):
        return -((1 << design.core.width) - 1), (1 << design.core.width) - 1
    if design.signed:
        return -(1 << (design.width - 1)), (1 << (design.width - 1)) - 1
    return 0, (1 << design.width) - 1


def _check_design(design):
    """``design`` checked; a :class:`FloatDesign` is returned as its product function."""
    if isinstance(design, FloatDesign):
        return float_product(design)
    if isinstance(design, INTEGER_DESIGNS):
        if design.entry.kind.name != "multiplier":
            raise ValueError(f"Design must be a multiplier, not {design.label}")
    elif not callable(design):
        raise TypeError(f"Design must be a Design, a ForeignDesign, a FloatDesign or a product "
                        f"function f(a, b), "
                        f"not {design!r}")
    return design


def _integers(values, design: Design, name: str) -> np.ndarray:
    """``values`` as an integer array, checked to lie in the operand range of ``design``."""
    array = np.asarray(values)
    if array.dtype == object:
        array = np.array(array.tolist(), dtype=np.int64 if design.width <= 62 else object)
    if array.dtype != object and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must hold integers for {design.label}, not {array.dtype}")
    low, high = operand_range(design)
    if array.size and (array.min() < low or array.max() > high):
        raise ValueError(f"{name} must lie in {low} .. {high} for {design.label}, not "
                         f"{array.min()} .. {array.max()}")
    return array


def _result_dtype(design: Design) -> np.dtype:
    """The dtype that holds every product of ``design`` as a number."""
    if design.width <= (32 if design.signed else 31):
        return np.dtype(np.int64)
    return np.dtype(np.uint64) if design.width <= 32 else np.dtype(object)


def _patterns(values: np.ndarray, design: Design) -> np.ndarray:
    """Operand numbers as the design's ``width``-bit patterns (two's complement when signed)."""
    if design.width > 32:
        return np.array([int(v) & ((1 << design.width) - 1) for v in values.reshape(-1)],
                        dtype=object)
    flat = values.reshape(-1).astype(np.int64) & ((1 << design.width) - 1)
    return flat.astype(np.uint64)


@lru_cache(maxsize=16)
def _table(design: Design) -> np.ndarray:
    """Every product of a narrow design as a number, flat, indexed by ``a_pattern << width |
    b_pattern``: the golden model run once over all pairs."""
    a, b = exhaustive(design.width)
    table = design.output_values(design.golden(a, b)).astype(np.int32)
    table.setflags(write=False)
    return table


@lru_cache(maxsize=16)
def _transposed_table(design: Design) -> np.ndarray:
    """:func:`_table` as a 2-D array indexed ``[b_pattern, a_pattern]``."""
    size = 1 << design.width
    table = np.ascontiguousarray(_table(design).reshape(size, size).T)
    table.setflags(write=False)
    return table


def _products(design: Design, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Products of equal-shaped operand arrays (numbers in range) under ``design``, as numbers."""
    shape = a.shape
    if design.width <= LUT_MAX_WIDTH:
        index = (_patterns(a, design) << np.uint64(design.width)) | _patterns(b, design)
        return _table(design)[index.astype(np.intp)].astype(np.int64).reshape(shape)
    values = design.output_values(design.golden(_patterns(a, design), _patterns(b, design)))
    return values.astype(_result_dtype(design)).reshape(shape)


def multiply(a, b, design) -> np.ndarray:
    """Elementwise products of ``a`` and ``b`` (broadcast together) under ``design``."""
    design = _check_design(design)
    if not isinstance(design, INTEGER_DESIGNS):
        return design(*np.broadcast_arrays(np.asarray(a), np.asarray(b)))
    a, b = np.broadcast_arrays(_integers(a, design, "a"), _integers(b, design, "b"))
    return _products(design, np.ascontiguousarray(a), np.ascontiguousarray(b))


def _accumulator(design, depth: int) -> np.dtype:
    """What ``matmul`` adds in: ``float64`` for a product function; ``int64`` for a design where
    ``depth`` products of at most ``2**(2 * width)`` cannot pass ``2**63``, else Python ints."""
    if not isinstance(design, INTEGER_DESIGNS):
        return np.dtype(np.float64)
    exact_in_int64 = design.width <= 31 and depth < (1 << (63 - 2 * design.width))
    return np.dtype(np.int64 if exact_in_int64 else object)


def _table_matmul(A: np.ndarray, B: np.ndarray, design: Design, total: np.ndarray) -> None:
    """``total += A @ B`` through the table of all products, in blocks of rows of at most
    :data:`BLOCK_PRODUCTS` entries. With many columns, for each ``k`` the table rows of
    ``A[:, k]`` are taken and from them the columns of ``B[k, :]``; with few columns but many
    rows, the same for the transposed product ``B.T @ A.T`` through the transposed table (a
    design need not be commutative), about three times faster than looking each product up on
    its own, as the rest do."""
    size = 1 << design.width
    flat = _table(design)
    rows_a = _patterns(A, design).reshape(A.shape).astype(np.intp)
    columns_b = _patterns(B, design).reshape(B.shape).astype(np.intp)
    (M, K), N = A.shape, B.shape[1]
    if N >= size or M >= size:
        if N < size:
            # Summed in a contiguous array of the result's size: adding in place through the
            # transposed view would write one element per cache line.
            transposed = np.zeros((N, M), dtype=total.dtype)
            _rows_through_table(_transposed_table(design), columns_b.T,
                                np.ascontiguousarray(rows_a.T), transposed)
            total += transposed.T
            return
        _rows_through_table(flat.reshape(size, size), rows_a, columns_b, total)
        return
    depth = max(min(K, BLOCK_PRODUCTS // max(N, 1)), 1)
    rows = max(BLOCK_PRODUCTS // (depth * max(N, 1)), 1)
    for k in range(0, K, depth):
        for i in range(0, M, rows):
            index = (rows_a[i:i + rows, k:k + depth, None] << design.width) + \
                columns_b[None, k:k + depth]
            total[i:i + rows] += flat.take(index).sum(axis=1, dtype=np.int64)


def _rows_through_table(table: np.ndarray, rows_a: np.ndarray, columns_b: np.ndarray,
                        total: np.ndarray) -> None:
    """``total += A @ B`` for operand patterns: for each ``k`` the ``table`` rows of
    ``A[:, k]``, from them the columns of ``B[k, :]``, in blocks of rows of at most
    :data:`BLOCK_PRODUCTS` entries."""
    (M, K), N = rows_a.shape, columns_b.shape[1]
    rows = max(BLOCK_PRODUCTS // (len(table) + N), 1)
    for i in range(0, M, rows):
        block = total[i:i + rows]
        for k in range(K):
            block += table.take(rows_a[i:i + rows, k], axis=0).take(columns_b[k], axis=1)


def _block_matmul(A: np.ndarray, B: np.ndarray, design, total: np.ndarray) -> None:
    """``total += A @ B`` with the products of blocks ``(rows, depth, columns)`` of at most
    :data:`BLOCK_PRODUCTS` pairs formed at once and summed over ``depth``."""
    (M, K), N = A.shape, B.shape[1]
    columns = min(max(N, 1), BLOCK_PRODUCTS)
    depth = min(max(K, 1), max(BLOCK_PRODUCTS // columns, 1))
    rows = min(max(M, 1), max(BLOCK_PRODUCTS // (columns * depth), 1))
    for j in range(0, N, columns):
        for k in range(0, K, depth):
            b = B[k:k + depth, j:j + columns]
            for i in range(0, M, rows):
                a, b_block = np.broadcast_arrays(A[i:i + rows, k:k + depth, None], b[None])
                if isinstance(design, INTEGER_DESIGNS):
                    products = _products(design, np.ascontiguousarray(a),
                                         np.ascontiguousarray(b_block))
                else:
                    products = np.asarray(design(a, b_block), dtype=np.float64)
                total[i:i + rows, j:j + columns] += products.astype(total.dtype).sum(axis=1)


def matmul(A, B, design) -> np.ndarray:
    """``A @ B`` with every product ``A[i, k] * B[k, j]`` under ``design``, added exactly.

    ``A`` is ``(M, K)`` and ``B`` ``(K, N)``; a 1-D ``A`` or ``B`` is a row or column vector, as in
    ``numpy.matmul``. The accumulation is ``int64`` (or Python ints, see :func:`_accumulator`) for
    a design and ``float64`` for a floating-point design or a product function; blocks of at
    most :data:`BLOCK_PRODUCTS` products bound the memory.
    """
    design = _check_design(design)
    if isinstance(design, INTEGER_DESIGNS):
        A, B = _integers(A, design, "A"), _integers(B, design, "B")
    else:
        A, B = np.asarray(A), np.asarray(B)
    vector_a, vector_b = A.ndim == 1, B.ndim == 1
    A = A[None, :] if vector_a else A
    B = B[:, None] if vector_b else B
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError(f"Shapes must be (M, K) and (K, N), not {A.shape} and {B.shape}")
    total = np.zeros((A.shape[0], B.shape[1]), dtype=_accumulator(design, A.shape[1]))
    if isinstance(design, INTEGER_DESIGNS) and design.width <= LUT_MAX_WIDTH:
        _table_matmul(A, B, design, total)
    else:
        _block_matmul(A, B, design, total)
    if vector_a:
        total = total[0]
    if vector_b:
        total = total[..., 0]
    return total


def im2col(images: np.ndarray, size: tuple[int, int], *, stride: int | tuple[int, int] = 1,
           dilation: int | tuple[int, int] = 1) -> np.ndarray:
    """The patches of ``images`` ``(N, C, H, W)`` as rows ``(N * H' * W', C * kh * kw)``, in the
    order of a kernel ``(C, kh, kw)`` flattened: the matrix that turns a convolution into a
    matmul. ``stride`` and ``dilation`` are one number or (vertical, horizontal)."""
    n, c, h, w = images.shape
    kh, kw = size
    (sh, sw), (dh, dw) = (value if isinstance(value, tuple) else (value, value)
                          for value in (stride, dilation))
    # The rows and columns a dilated kernel spans.
    extent_h, extent_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    out_h, out_w = (h - extent_h) // sh + 1, (w - extent_w) // sw + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"A kernel of {kh}x{kw} does not fit an image of {h}x{w}")
    windows = np.lib.stride_tricks.sliding_window_view(images, (extent_h, extent_w), axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw, ::dh, ::dw]
    # (N, C, H', W', kh, kw) -> (N, H', W', C, kh, kw): one patch per row.
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * out_h * out_w, c * kh * kw)


def conv2d(images, kernels, design, *, stride: int = 1, padding: int = 0) -> np.ndarray:
    """2-D cross-correlation (a deep-learning "convolution") with every product under
    ``design``, through :func:`im2col` and :func:`matmul`.

    ``images`` is ``(N, C, H, W)`` or a single ``(H, W)`` image; ``kernels`` is ``(F, C, kh, kw)``
    or a single ``(kh, kw)`` kernel. ``padding`` zeros go around each image. The result is
    ``(N, F, H', W')``, or ``(H', W')`` for a single image and kernel.
    """
    images, kernels = np.asarray(images), np.asarray(kernels)
    single = images.ndim == 2 and kernels.ndim == 2
    if images.ndim == 2:
        images = images[None, None]
    if kernels.ndim == 2:
        kernels = kernels[None, None]
    if images.ndim != 4 or kernels.ndim != 4 or images.shape[1] != kernels.shape[1]:
        raise ValueError(f"Images must be (N, C, H, W) and kernels (F, C, kh, kw), not "
                         f"{images.shape} and {kernels.shape}")
    for name, value, minimum in (("Stride", stride, 1), ("Padding", padding, 0)):
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise ValueError(f"{name} must be an integer of at least {minimum}, not {value!r}")
    if padding:
        images = np.pad(images, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, f = images.shape[0], kernels.shape[0]
    kh, kw = kernels.shape[2:]
    out_h = (images.shape[2] - kh) // stride + 1
    out_w = (images.shape[3] - kw) // stride + 1
    columns = im2col(images, (kh, kw), stride=stride)
    result = matmul(columns, kernels.reshape(f, -1).T, design)
    result = result.reshape(n, out_h, out_w, f).transpose(0, 3, 1, 2)
    return result[0, 0] if single else result


def mitchell_fp32_product(a, b) -> np.ndarray:
    """Mitchell's product of float32 arrays (broadcast together), through the fp32
    ``float-mitchell`` golden model (:func:`mitchell.sim.float_golden.float_mitchell`, whose
    guards hold for zeros, subnormals, infinities, NaN and the range's ends): the bit-pattern
    addition of Mogami 2020, as a product function for :func:`matmul`."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32))
    patterns = float_mitchell(a.view(np.uint32).reshape(-1), b.view(np.uint32).reshape(-1),
                              format="fp32")
    return patterns.astype(np.uint32).view(np.float32).reshape(a.shape)


def float_patterns(values, fmt: FloatFormat) -> np.ndarray:
    """Real numbers as ``fmt``'s bit patterns (``uint64``), rounded to nearest even as IEEE
    conversion does: subnormal patterns below the smallest normal, past the largest finite the
    signed infinity (NaN in a format without infinities), NaN as the designs' NaN."""
    values = np.asarray(values, dtype=np.float64)
    magnitude = np.abs(values)
    _, exponent = np.frexp(magnitude)  # magnitude = m * 2**exponent, m in [0.5, 1)
    # The value of the last fraction bit in the value's binade, or among the subnormals.
    ulp = np.maximum(exponent.astype(np.int64) - 1, 1 - fmt.bias) - fmt.mantissa_bits
    with np.errstate(invalid="ignore"):
        count = np.rint(np.ldexp(magnitude, -ulp))  # ulps, rounded to nearest even
    finite = np.isfinite(magnitude) & (magnitude > 0)
    count = np.where(finite, count, 0).astype(np.int64)
    # (binade's exponent field - 1) << m plus the ulps (which hold the implicit one): a count
    # rounded up to the next binade carries into the exponent field by the addition.
    pattern = ((np.where(finite, ulp, 0) + fmt.mantissa_bits + fmt.bias - 1) << fmt.mantissa_bits) \
        + count
    pattern = np.where(count < fmt.min_normal, count, pattern)  # subnormals and zeros
    sign = np.where(np.signbit(values), fmt.sign_mask, 0)
    result = np.select([np.isnan(values), np.isinf(values) | (pattern > fmt.max_finite)],
                       [fmt.nan, fmt.overflow(sign)], sign | pattern)
    return result.astype(np.uint64)


def float_values(patterns, fmt: FloatFormat) -> np.ndarray:
    """``fmt``'s bit patterns as ``float64`` values (exact: every format here fits)."""
    patterns = np.asarray(patterns, dtype=np.uint64).astype(np.int64)
    magnitude = patterns & fmt.magnitude_mask
    exponent, fraction = magnitude >> fmt.mantissa_bits, magnitude & fmt.mantissa_mask
    # A normal number is (2**m + fraction) ulps of its binade; a subnormal, fraction ulps of
    # the smallest normal's binade.
    value = np.ldexp(np.where(exponent > 0, fraction + fmt.min_normal, fraction).astype(np.float64),
                     np.maximum(exponent, 1) - fmt.bias - fmt.mantissa_bits)
    if fmt.infinities:
        special = exponent == fmt.exponent_max
        value = np.where(special, np.where(fraction == 0, np.inf, np.nan), value)
    else:
        value = np.where(magnitude == fmt.nan, np.nan, value)
    return np.where(patterns & fmt.sign_mask, -value, value)


def float_product(design: FloatDesign):
    """The product function of ``design``: operands rounded into its format
    (:func:`float_patterns`), its golden model, the results as ``float64`` (:func:`float_values`).

    >>> from mitchell.sim.float_design import FloatDesign
    >>> multiply([3.0, 1.5, -0.25], 5.0, FloatDesign("bf16"))   # exact: 15, 7.5, -1.25
    array([14.  ,  7.  , -1.25])
    """
    fmt = design.fmt

    def product(a, b) -> np.ndarray:
        a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float64),
                                   np.asarray(b, dtype=np.float64))
        patterns = design.golden(float_patterns(a.reshape(-1), fmt),
                                 float_patterns(b.reshape(-1), fmt))
        return float_values(patterns, fmt).reshape(a.shape)

    return product

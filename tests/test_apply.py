"""mitchell.sim.apply against explicit loops over the golden model, one pair at a time."""
import doctest
import math
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest

import mitchell.sim.apply as apply
from mitchell.rtl.float_format import FORMATS
from mitchell.sim.apply import mitchell_fp32_product
from mitchell.sim.catalogue import CATALOGUE
from mitchell.sim.design import Design
from mitchell.sim.float_design import FloatDesign

MULTIPLIERS = [name for name, entry in CATALOGUE.items() if entry.kind.name == "multiplier"]


def product(design: Design, a: int, b: int) -> int:
    """One product from the golden model, as a number: the loops' reference."""
    mask = (1 << design.width) - 1
    return int(design.output_values(design.golden([a & mask], [b & mask]))[0])


def loop_matmul(design: Design, A, B) -> np.ndarray:
    M, K = A.shape
    N = B.shape[1]
    result = np.zeros((M, N), dtype=object)
    for i in range(M):
        for j in range(N):
            result[i, j] = sum(product(design, int(A[i, k]), int(B[k, j])) for k in range(K))
    return result


def operands(design: Design, shape, seed: int) -> np.ndarray:
    low, high = apply.operand_range(design)
    values = np.random.default_rng(seed).integers(low, high + 1, size=shape)
    # The extremes in every matrix: -2**(n-1), whose magnitude is the widest, and the maximum.
    values.flat[0], values.flat[-1] = low, high
    return values


def same(result, expected) -> bool:
    return result.shape == expected.shape and all(
        int(x) == int(y) for x, y in zip(result.reshape(-1), expected.reshape(-1)))


@pytest.mark.parametrize("variant", MULTIPLIERS)
@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize("width", [4, 8, 12])
# Fewer columns than a table row (products looked up one by one) and, at 4 bits, more.
@pytest.mark.parametrize("M, K, N", [(5, 7, 4), (3, 6, 20)])
def test_matmul_against_a_triple_loop(variant, signed, width, M, K, N, monkeypatch):
    design = Design(variant=variant, width=width, signed=signed)
    A, B = operands(design, (M, K), 1), operands(design, (K, N), 2)
    # Small blocks, so that the block boundaries fall inside the shapes.
    monkeypatch.setattr(apply, "BLOCK_PRODUCTS", 9)
    assert same(apply.matmul(A, B, design), loop_matmul(design, A, B))


@pytest.mark.parametrize("variant", ["mitchell", "mbm"])
def test_both_paths_agree_at_8_bits(variant, monkeypatch):
    design = Design(variant=variant, width=8, signed=True)
    A, B = operands(design, (33, 40), 3), operands(design, (40, 17), 4)
    table = apply.matmul(A, B, design)
    monkeypatch.setattr(apply, "LUT_MAX_WIDTH", 0)
    assert (apply.matmul(A, B, design) == table).all()
    assert not (table == A @ B).all()


def test_a_wrong_table_entry_is_caught(monkeypatch):
    """The comparison above fails on a table off by one in the high bits or in the low bit."""
    design = Design(variant="mitchell", width=8, signed=True)
    A, B = operands(design, (5, 7), 1), operands(design, (7, 4), 2)
    expected = loop_matmul(design, A, B)
    good = apply._table(design)
    for flip in (1, 1 << 13):
        bad = good.copy()
        bad[(int(A[0, 0]) & 255) << 8 | (int(B[0, 0]) & 255)] ^= flip
        monkeypatch.setattr(apply, "_table", lambda d, bad=bad: bad)
        assert not same(apply.matmul(A, B, design), expected)


def test_many_rows_few_columns_go_through_the_transposed_table(monkeypatch):
    """More rows than a table row has, fewer columns: the transposed product through the
    transposed table. One table entry changed makes the table asymmetric: the result must still
    take each product as table[a, b], not table[b, a]."""
    design = Design(variant="mitchell", width=4, signed=True)
    A, B = operands(design, (40, 6), 9), operands(design, (6, 3), 10)
    A[0, 0], B[0, 0] = 3, -5
    table = apply._table(design).copy()
    table[3 << 4 | (-5 & 15)] += 1000
    monkeypatch.setattr(apply, "_table", lambda d: table)
    apply._transposed_table.cache_clear()
    try:
        result = apply.matmul(A, B, design)
    finally:
        apply._transposed_table.cache_clear()
    expected = np.array([[sum(int(table[(int(A[i, k]) & 15) << 4 | (int(B[k, j]) & 15)])
                              for k in range(6)) for j in range(3)] for i in range(40)])
    assert same(result, expected) and result[0, 0] == expected[0, 0]


def test_vectors_as_in_numpy():
    design = Design(variant="mitchell", width=8)
    A, b = operands(design, (3, 4), 5), operands(design, (4,), 6)
    assert same(apply.matmul(A, b, design), loop_matmul(design, A, b[:, None])[:, 0])
    assert same(apply.matmul(b, A.T, design), loop_matmul(design, b[None], A.T)[0])


@pytest.mark.parametrize("width, dtype", [(8, np.int64), (16, np.int64), (40, object)])
def test_multiply_broadcasts(width, dtype):
    design = Design(variant="mitch-w", width=width, signed=True)
    a, b = operands(design, (3, 1), 7), operands(design, (4,), 8)
    result = apply.multiply(a, b, design)
    expected = np.array([[product(design, int(x), int(y)) for y in b] for x in a[:, 0]])
    assert result.dtype == dtype and same(result, expected)


def test_unsigned_32_bit_products_are_uint64():
    design = Design(variant="mitchell", width=32)
    a, b = operands(design, (6,), 15), operands(design, (6,), 16)
    result = apply.multiply(a, b, design)
    assert result.dtype == np.uint64
    assert same(result, np.array([product(design, int(x), int(y)) for x, y in zip(a, b)]))


def test_wide_products_accumulate_exactly():
    """Three unsigned 32-bit products pass 2**63: the sum is taken in Python ints."""
    design = Design(variant="exact", width=32)
    top = (1 << 32) - 1
    result = apply.matmul(np.full((1, 3), top, dtype=np.uint64), np.full((3, 1), top, dtype=np.uint64),
                          design)
    assert int(result[0, 0]) == 3 * top * top


def loop_conv2d(design, images, kernels, stride, padding):
    images = np.pad(images, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, c, h, w = images.shape
    f, _, kh, kw = kernels.shape
    out = np.zeros((n, f, (h - kh) // stride + 1, (w - kw) // stride + 1), dtype=object)
    for i in range(n):
        for o in range(f):
            for y in range(out.shape[2]):
                for x in range(out.shape[3]):
                    out[i, o, y, x] = sum(
                        product(design, int(images[i, ch, y * stride + dy, x * stride + dx]),
                                int(kernels[o, ch, dy, dx]))
                        for ch in range(c) for dy in range(kh) for dx in range(kw))
    return out


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1)])
@pytest.mark.parametrize("width", [8, 10])
def test_conv2d_against_loops(stride, padding, width):
    design = Design(variant="mitchell", width=width, signed=True)
    images, kernels = operands(design, (2, 2, 6, 7), 9), operands(design, (3, 2, 3, 3), 10)
    result = apply.conv2d(images, kernels, design, stride=stride, padding=padding)
    assert same(result, loop_conv2d(design, images, kernels, stride, padding))


def test_conv2d_of_one_image_and_kernel():
    design = Design(variant="mbm", width=8)
    image, kernel = operands(design, (5, 6), 11), operands(design, (3, 3), 12)
    result = apply.conv2d(image, kernel, design)
    assert same(result, loop_conv2d(design, image[None, None], kernel[None, None], 1, 0)[0, 0])


def test_product_functions_accumulate_in_float64():
    rng = np.random.default_rng(13)
    A = rng.standard_normal((6, 9)).astype(np.float32)
    B = rng.standard_normal((9, 5)).astype(np.float32)
    result = apply.matmul(A, B, mitchell_fp32_product)
    expected = [[math.fsum(float(mitchell_fp32_product(A[i, k], B[k, j])) for k in range(9))
                 for j in range(5)] for i in range(6)]
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)
    # numpy.multiply of float32 operands rounds each product to float32; the sum is float64.
    rounded = (A[:, :, None] * B[None]).astype(np.float64).sum(axis=1)
    np.testing.assert_allclose(apply.matmul(A, B, np.multiply), rounded, rtol=1e-12, atol=1e-12)


def mitchell_float(x: float, y: float) -> float:
    """Mitchell's product from its definition: ``2**(ea+eb) * (1 + xa + xb)``, or
    ``2**(ea+eb+1) * (xa + xb)`` when the fractions carry; exact in Fractions."""
    (ma, ea), (mb, eb) = math.frexp(abs(x)), math.frexp(abs(y))  # m in [0.5, 1)
    xa, xb = Fraction(ma) * 2 - 1, Fraction(mb) * 2 - 1
    exponent = (ea - 1) + (eb - 1)
    magnitude = (1 + xa + xb) * Fraction(2) ** exponent if xa + xb < 1 else \
        (xa + xb) * Fraction(2) ** (exponent + 1)
    return math.copysign(float(magnitude), x * y)


def test_fp32_product_from_its_definition():
    assert float(mitchell_fp32_product(12.3, 4.56)) == pytest.approx(53.68, abs=0.01)
    rng = np.random.default_rng(14)
    a = (rng.standard_normal(2000) * 10.0 ** rng.integers(-6, 6, 2000)).astype(np.float32)
    b = (rng.standard_normal(2000) * 10.0 ** rng.integers(-6, 6, 2000)).astype(np.float32)
    got = mitchell_fp32_product(a, b)
    for x, y, z in zip(a, b, got):
        assert float(z) == mitchell_float(float(x), float(y))


def test_fp32_product_edges():
    tiny = np.float32(1e-30)
    huge = np.float32(1e30)
    a = np.array([0.5, 2.0, -0.0, tiny, huge, np.inf, np.nan, -3.0, 1e-45], dtype=np.float32)
    b = np.array([0.0, 0.0, 5.0, tiny, huge, 2.0, 1.0, 0.5, 4.0], dtype=np.float32)
    got = mitchell_fp32_product(a, b)
    # Zeros stay zeros with the XOR of the signs (unguarded, 0.5 * 0 gives -inf); an underflow
    # flushes to zero, an overflow gives infinity; Inf and NaN follow IEEE; a subnormal is a zero.
    assert list(got[:4]) == [0.0, 0.0, 0.0, 0.0]
    assert np.signbit(got[2]) and not np.signbit(got[0])
    assert got[4] == np.inf and got[5] == np.inf and np.isnan(got[6])
    assert got[7] == -1.5 and got[8] == 0.0


@pytest.mark.parametrize("call, message", [
    (lambda d: apply.multiply([128], [1], d), "a must lie in -128 .. 127"),
    (lambda d: apply.multiply([1.5], [1], d), "a must hold integers"),
    (lambda d: apply.matmul(np.ones((2, 3), int), np.ones((2, 3), int), d), "Shapes must be"),
    (lambda d: apply.conv2d(np.ones((2, 2), int), np.ones((3, 3), int), d), "does not fit"),
    (lambda d: apply.conv2d(np.ones((4, 4), int), np.ones((3, 3), int), d, stride=0), "Stride"),
    (lambda d: apply.multiply([1], [1], Design(variant="mitchell-div", width=8)), "multiplier"),
])
def test_bad_input(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call(Design(variant="mitchell", width=8, signed=True))


def test_the_documented_examples():
    assert doctest.testmod(apply).attempted and not doctest.testmod(apply).failed


# Floating-point designs: values rounded into the format (numpy and ml_dtypes as the reference
# conversions), the golden model on patterns, the results read back.

FLOAT_TYPES = {"fp32": np.float32, "fp16": np.float16, "bf16": ml_dtypes.bfloat16,
               "fp8-e4m3": ml_dtypes.float8_e4m3fn, "fp8-e5m2": ml_dtypes.float8_e5m2}
UNSIGNED = {8: np.uint8, 16: np.uint16, 32: np.uint32}


def reference_patterns(values, fmt):
    with np.errstate(over="ignore"):  # past the largest: infinity (or NaN), as intended
        return np.asarray(values).astype(FLOAT_TYPES[fmt.name]).view(UNSIGNED[fmt.width])


@pytest.mark.parametrize("name", FLOAT_TYPES)
def test_float_patterns_round_as_ieee(name):
    fmt = FORMATS[name]
    rng = np.random.default_rng(21)
    info = ml_dtypes.finfo(FLOAT_TYPES[name])
    smallest, largest = float(info.smallest_normal), float(info.max)
    # Values across the whole range, the subnormals and past the largest, with ties: the
    # midpoints between neighbouring patterns.
    patterns = rng.integers(0, 1 << fmt.width, 20_000).astype(np.uint64)
    finite = np.isfinite(apply.float_values(patterns, fmt))
    low, high = apply.float_values(patterns[finite], fmt), apply.float_values(patterns[finite] + 1, fmt)
    values = np.concatenate([
        rng.standard_normal(20_000) * 2.0 ** rng.integers(-140, 130, 20_000),
        rng.uniform(-2 * smallest, 2 * smallest, 5_000), [largest * 1.01, -largest * 1.5],
        [0.0, -0.0, np.inf, -np.inf, smallest, -largest], (low + high) / 2])
    values = values[np.isfinite(values)]
    got = apply.float_patterns(values, fmt)
    expected = reference_patterns(values, fmt).astype(np.uint64)
    # The NaN of a conversion (E4M3 past its largest) may carry another sign; the designs read
    # every NaN alike.
    nan = np.isnan(apply.float_values(expected, fmt))
    assert (got[~nan] == expected[~nan]).all()
    assert np.isnan(apply.float_values(got[nan], fmt)).all()
    assert (apply.float_values(expected[~nan], fmt)
            == np.asarray(expected[~nan].astype(UNSIGNED[fmt.width]).view(FLOAT_TYPES[name]),
                          dtype=np.float64)).all()


@pytest.mark.parametrize("name, variant", [("bf16", "mitchell"), ("fp16", "lmul"),
                                           ("fp8-e4m3", "exact"), ("fp8-e5m2", "mitchell"),
                                           ("fp32", "mitchell")])
def test_float_matmul_against_a_loop(name, variant):
    """Each product the scalar model's on the reference patterns, added in float64 one by one;
    the values are small enough that every sum is exact, so the order does not matter."""
    design = FloatDesign(name, variant)
    fmt = design.fmt
    rng = np.random.default_rng(22)
    A = np.round(rng.uniform(-4, 4, (5, 7)), 1)
    B = np.round(rng.uniform(-4, 4, (7, 3)), 1)
    A[0, 0], B[1, 2] = 0.0, 1e-9  # a zero, and a value below the smallest normal of each
    pa, pb = reference_patterns(A, fmt), reference_patterns(B, fmt)
    expected = np.zeros((5, 3))
    for i in range(5):
        for k in range(7):
            for j in range(3):
                pattern = design.scalar(int(pa[i, k]), int(pb[k, j]))
                expected[i, j] += float(np.array(pattern, dtype=UNSIGNED[fmt.width])
                                        .view(FLOAT_TYPES[name]))
    result = apply.matmul(A, B, design)
    assert result.dtype == np.float64 and (result == expected).all()
    assert (apply.multiply(A[:, :1], B[:1], design) ==
            apply.float_values(design.golden(pa[:, :1].repeat(3, 1).reshape(-1),
                                             np.tile(pb[:1], (5, 1)).reshape(-1)), fmt)
            .reshape(5, 3)).all()
    if variant != "exact":
        assert (result != apply.matmul(A, B, FloatDesign(name, "exact"))).any()

"""Floating-point golden models against the scalar models, IEEE references and the bare program."""
import ml_dtypes
import numpy as np
import pytest

from mitchell.rtl.float_format import FORMATS, lookup_format
from mitchell.sim import float_golden
from mitchell.sim.float_design import FloatDesign
from mitchell.sim.float_golden import bare_program

FP8 = ["fp8-e4m3", "fp8-e5m2"]
WIDE = ["bf16", "fp16", "fp32"]
VARIANTS = ["mitchell", "lmul", "exact"]


def product(a, b, *, format, variant):
    """The golden model of the catalogue's floating-point design ``variant``."""
    return FloatDesign(format, variant).golden(a, b)


def scalar_product(a, b, *, format, variant):
    """The scalar model of the catalogue's floating-point design ``variant``."""
    return FloatDesign(format, variant).scalar(a, b)
NUMPY_TYPES = {"fp32": np.float32, "fp16": np.float16, "bf16": ml_dtypes.bfloat16,
               "fp8-e4m3": ml_dtypes.float8_e4m3fn, "fp8-e5m2": ml_dtypes.float8_e5m2}
UNSIGNED = {32: np.uint32, 16: np.uint16, 8: np.uint8}


def all_pairs(width: int) -> tuple[np.ndarray, np.ndarray]:
    index = np.arange(1 << (2 * width), dtype=np.uint64)
    return index >> np.uint64(width), index & np.uint64((1 << width) - 1)


def sampled_pairs(width: int, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 1 << width, count, dtype=np.uint64),
            rng.integers(0, 1 << width, count, dtype=np.uint64))


def scalar_array(a, b, name, variant) -> np.ndarray:
    return np.array([scalar_product(int(x), int(y), format=name, variant=variant)
                     for x, y in zip(a, b)], dtype=np.uint64)


def test_formats_are_as_the_standards_say():
    # Widths, 1.0 and the largest finite, from the IEEE 754 and OCP fp8 tables.
    fp32, e4m3, e5m2 = FORMATS["fp32"], FORMATS["fp8-e4m3"], FORMATS["fp8-e5m2"]
    assert (fp32.width, fp32.one, fp32.max_finite, fp32.infinity) == \
        (32, 0x3F800000, 0x7F7FFFFF, 0x7F800000)
    assert (FORMATS["bf16"].one, FORMATS["fp16"].one, FORMATS["fp16"].max_finite) == \
        (0x3F80, 0x3C00, 0x7BFF)
    assert (e4m3.max_finite, e4m3.nan, e4m3.infinity, e4m3.overflow(0x80)) == (0x7E, 0x7F, None, 0x7F)
    assert (e5m2.max_finite, e5m2.infinity) == (0x7B, 0x7C)
    for name, fmt in FORMATS.items():
        values = np.array([fmt.max_finite, fmt.min_normal, fmt.one], dtype=UNSIGNED[fmt.width])
        info = (np.finfo if fmt.width > 16 or name == "fp16" else ml_dtypes.finfo)(NUMPY_TYPES[name])
        assert list(values.view(NUMPY_TYPES[name]).astype(np.float64)) == [
            float(info.max), float(info.smallest_normal), 1.0]
    # L-Mul's fp32 constant, 0x3f780000 in place of 0x3f800000.
    assert fp32.one - fp32.lmul_offset == 0x3F780000
    with pytest.raises(ValueError, match="Format must be one of int, fp32"):
        lookup_format("fp64")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", FP8)
def test_golden_matches_scalar_on_every_fp8_pair(name, variant):
    a, b = all_pairs(8)
    assert np.array_equal(product(a, b, format=name, variant=variant),
                          scalar_array(a, b, name, variant))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", WIDE)
def test_golden_matches_scalar_on_sampled_wide_pairs(name, variant):
    width = FORMATS[name].width
    a, b = sampled_pairs(width, 20_000, seed=width)
    # Normal operands of nearby exponents too, so that most products stay in range.
    fmt = FORMATS[name]
    rng = np.random.default_rng(1)
    near = (rng.integers(fmt.one - (4 << fmt.mantissa_bits), fmt.one + (4 << fmt.mantissa_bits),
                         (2, 20_000)) | (rng.integers(0, 2, (2, 20_000)) * fmt.sign_mask)
            ).astype(np.uint64)
    a, b = np.concatenate([a, near[0]]), np.concatenate([b, near[1]])
    assert np.array_equal(product(a, b, format=name, variant=variant),
                          scalar_array(a, b, name, variant))


def ieee_reference(a, b, name) -> np.ndarray:
    """The IEEE product (numpy, ml_dtypes) of flushed operands, then flushed as float-exact does:
    a subnormal result becomes a zero of its sign and every NaN the canonical one; so does a
    product below ``(1 - 2**-(M+2))`` times the smallest normal, which IEEE may round up to it
    (the documented difference)."""
    fmt = FORMATS[name]
    kind, unsigned = NUMPY_TYPES[name], UNSIGNED[fmt.width]

    def flushed(values):
        values = np.asarray(values, dtype=np.uint64)
        subnormal = (values & fmt.magnitude_mask) < fmt.min_normal
        return np.where(subnormal, values & fmt.sign_mask, values).astype(unsigned).view(kind)

    # Products of the significands have at most 48 bits: exact in float64, so one rounding.
    # Overflow to infinity and infinity times zero are what is asked for here.
    with np.errstate(over="ignore", invalid="ignore"):
        exact = flushed(a).astype(np.float64) * flushed(b).astype(np.float64)
        cast = exact.astype(kind)
    rounded = cast.view(unsigned).astype(np.uint64)
    tiny = float(np.asarray([fmt.min_normal], dtype=unsigned).view(kind).astype(np.float64)[0])
    below = np.abs(exact) < tiny * (1 - 2.0 ** -(fmt.mantissa_bits + 2))
    magnitude = rounded & np.uint64(fmt.magnitude_mask)
    return np.select([np.isnan(cast.astype(np.float64)),
                      (magnitude < fmt.min_normal) | below],
                     [np.uint64(fmt.nan), rounded & np.uint64(fmt.sign_mask)], rounded).astype(np.uint64)


@pytest.mark.parametrize("name", FP8 + WIDE)
def test_exact_matches_numpy_and_ml_dtypes(name):
    width = FORMATS[name].width
    a, b = all_pairs(8) if width == 8 else sampled_pairs(width, 1_000_000, seed=3)
    got = product(a, b, format=name, variant="exact")
    assert np.array_equal(got, ieee_reference(a, b, name))


def fp32_bits(value: float) -> np.ndarray:
    return np.array([value], dtype=np.float32).view(np.uint32).astype(np.uint64)


def as_fp32(bits) -> float:
    return float(np.asarray(bits, dtype=np.uint64).astype(np.uint32).view(np.float32)[0])


def test_seed_example_in_fp32():
    a, b = fp32_bits(12.3), fp32_bits(4.56)
    # 12.3 = 1.5375 * 2**3, 4.56 = 1.14 * 2**2: fractions sum below 1, so (1 + 0.5375 + 0.14) * 2**5.
    assert as_fp32(product(a, b, format="fp32", variant="mitchell")) == pytest.approx(53.68, abs=1e-4)
    assert as_fp32(product(a, b, format="fp32", variant="exact")) == float(np.float32(12.3) *
                                                                           np.float32(4.56))
    assert as_fp32(product(a, b, format="fp32", variant="exact")) == pytest.approx(56.088, abs=1e-4)
    # The program itself, in 32-bit integers.
    c = (int(a[0]) + int(b[0]) - 0x3F800000) & 0xFFFFFFFF
    assert int(bare_program(a, b, format="fp32")[0]) == c
    assert as_fp32([c]) == pytest.approx(53.68, abs=1e-4)


def guard_fires(a, b, fmt) -> np.ndarray:
    """Where a guard fires, from the definitions: an operand that is not a finite normal, or a
    Mitchell sum outside the normal range."""
    def normal(values):
        exponent = (values >> fmt.mantissa_bits) & fmt.exponent_max
        top = (exponent != fmt.exponent_max) if fmt.infinities else \
            ((values & fmt.magnitude_mask) != fmt.nan)
        return (exponent != 0) & top
    magnitude_sum = (a & fmt.magnitude_mask).astype(np.int64) + \
        (b & fmt.magnitude_mask).astype(np.int64) - fmt.one
    return ~(normal(a) & normal(b)) | (magnitude_sum < fmt.min_normal) | \
        (magnitude_sum > fmt.max_finite)


@pytest.mark.parametrize("name", FP8 + WIDE)
def test_bare_program_agrees_wherever_no_guard_fires(name):
    fmt = FORMATS[name]
    a, b = all_pairs(8) if fmt.width == 8 else sampled_pairs(fmt.width, 1_000_000, seed=5)
    guard = guard_fires(a, b, fmt)
    mitchell, bare = product(a, b, format=name, variant="mitchell"), bare_program(a, b, format=name)
    assert (~guard).sum() > len(a) // 10 and guard.sum() > 0
    assert np.array_equal(mitchell[~guard], bare[~guard])


def test_bare_program_failures_documented():
    bare = lambda x, y: as_fp32(bare_program(fp32_bits(x), fp32_bits(y), format="fp32"))
    guarded = lambda x, y: as_fp32(product(fp32_bits(x), fp32_bits(y), format="fp32",
                                           variant="mitchell"))
    assert bare(0.5, 0.0) == float("-inf") and guarded(0.5, 0.0) == 0.0
    assert bare(2.0, 0.0) == 2.0 ** -126 and guarded(2.0, 0.0) == 0.0
    # NaN read as a number: 0x7fc00000 + 0x40800000 - 0x3f800000 carries into the sign.
    assert np.isnan(guarded(float("nan"), 4.0)) and bare(float("nan"), 4.0) < 0
    assert np.isnan(guarded(float("inf"), 0.0))
    assert guarded(float("-inf"), 3.0) == float("-inf")
    assert guarded(1e30, 1e30) == float("inf") and bare(1e30, 1e30) < 0  # carries into the sign
    assert guarded(1e-30, 1e-30) == 0.0 and bare(1e-30, 1e-30) < 0     # borrows into the sign


def carry_dropped(a, b, *, format):
    """Mutant: the fraction sum wraps without carrying into the exponent."""
    fmt = lookup_format(format)

    def magnitude(x, y):
        exponent = (x >> fmt.mantissa_bits) + (y >> fmt.mantissa_bits) - fmt.bias
        fraction = ((x & fmt.mantissa_mask) + (y & fmt.mantissa_mask)) & fmt.mantissa_mask
        return (exponent << fmt.mantissa_bits) | fraction
    return float_golden.guarded(a, b, fmt, magnitude)


def underflow_off_by_one(a, b, *, format):
    """Mutant: the smallest normal result is flushed too."""
    fmt = lookup_format(format)
    return float_golden.guarded(a, b, fmt, lambda x, y: np.where(
        x + y - fmt.one == fmt.min_normal, 0, x + y - fmt.one))


def no_inf_times_zero(a, b, *, format):
    """Mutant: infinity times zero gives a signed zero instead of NaN."""
    fmt = lookup_format(format)
    good = float_golden.float_mitchell(a, b, format=format)
    a, b = np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64)
    mag_a, mag_b = a & np.uint64(fmt.magnitude_mask), b & np.uint64(fmt.magnitude_mask)
    inf_zero = ((mag_a == fmt.infinity) & (mag_b == 0)) | ((mag_b == fmt.infinity) & (mag_a == 0))
    return np.where(inf_zero, (a ^ b) & np.uint64(fmt.sign_mask), good)


@pytest.mark.parametrize("mutant", [carry_dropped, underflow_off_by_one, no_inf_times_zero])
@pytest.mark.parametrize("name", ["fp8-e5m2", "bf16"])
@pytest.mark.slow
def test_scalar_check_catches_mutants(mutant, name):
    fmt = FORMATS[name]
    a, b = all_pairs(8)
    if fmt.width > 8:  # the top 8 bits exhaustive, with zero fractions and fractions that carry
        a, b = a << np.uint64(fmt.width - 8), b << np.uint64(fmt.width - 8)
        specials = np.array([0, fmt.infinity, fmt.nan, fmt.min_normal, fmt.one], dtype=np.uint64)
        a = np.concatenate([a, a | np.uint64(fmt.mantissa_mask), np.repeat(specials, 5)])
        b = np.concatenate([b, b | np.uint64(1 << (fmt.mantissa_bits - 1)), np.tile(specials, 5)])
    got, expected = mutant(a, b, format=name), scalar_array(a, b, name, "mitchell")
    wrong = got != expected
    assert wrong.any()
    if mutant is carry_dropped:
        # The carry is the exponent's low bit: the error reaches the high bits, not only the fraction.
        assert np.any((got ^ expected)[wrong] >> np.uint64(fmt.mantissa_bits))

"""A float golden model of Mitchell's product on fp32 bit patterns, for the training example.

This is the stand-in until the floating-point designs of the catalogue exist: one function, to be
replaced by their fp32 design's golden model.
"""
import numpy as np

__all__ = ["mitchell_fp32_product"]

# The pattern of 1.0f: the exponent bias in place, the logarithm's offset.
ONE = 0x3F800000
SMALLEST_NORMAL = 0x00800000
INFINITY = 0x7F800000


def mitchell_fp32_product(a, b) -> np.ndarray:
    """Mitchell's product of float32 arrays (broadcast together): ``bits(|a|) + bits(|b|) - ONE``
    read back as a float, with the sign the XOR of the signs (Mogami 2020).

    A positive float's pattern ``E * 2**23 + m`` is its base-2 logarithm in fixed point, biased, so
    the sum of two patterns less the bias is the pattern of Mitchell's product; the mantissa carry
    into the exponent is Mitchell's second case. The unguarded addition fails at the edges, so:
    a zero or subnormal operand gives a zero (flushed, as the patterns mis-scale subnormals); a
    result below the smallest normal flushes to zero and one past the largest finite becomes
    infinity; an infinite or NaN operand gives the IEEE product.
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32))
    bits_a, bits_b = a.view(np.uint32), b.view(np.uint32)
    magnitude_a, magnitude_b = bits_a & 0x7FFFFFFF, bits_b & 0x7FFFFFFF
    # Below 2**31 each, so their sum fits uint32; the bias comes off after the range checks.
    total = magnitude_a + magnitude_b
    zero = (magnitude_a < SMALLEST_NORMAL) | (magnitude_b < SMALLEST_NORMAL) | \
        (total < ONE + SMALLEST_NORMAL)
    magnitude = np.where(zero, np.uint32(ONE), np.minimum(total, np.uint32(ONE + INFINITY))) - ONE
    product = (((bits_a ^ bits_b) & 0x80000000) | magnitude).astype(np.uint32).view(np.float32)
    finite = (magnitude_a < INFINITY) & (magnitude_b < INFINITY)
    if finite.all():
        return product
    with np.errstate(over="ignore", invalid="ignore"):  # only the non-finite operands' are taken
        exact = a * b
    return np.where(finite, product, exact)

"""Corner operands of a floating-point format."""
import numpy as np

from ..rtl.float_format import lookup_format


def float_corner_values(format) -> list[int]:
    """Both signs of: zero, infinity, NaNs, subnormals, the smallest and largest normals, powers
    of two and fractions of all ones across the exponent range (so that products overflow and
    underflow, and land exactly on the edges), and the square roots of the range's edges."""
    fmt = lookup_format(format)
    m, top = fmt.mantissa_bits, fmt.exponent_max
    exponents = {1, 2, fmt.bias - 1, fmt.bias, fmt.bias + 1, (fmt.bias + 1) // 2,
                 (top + fmt.bias) // 2, top - 2, top - 1, top}
    values = {0, 1, fmt.mantissa_mask, 1 << (m - 1), fmt.min_normal, fmt.max_finite, fmt.nan,
              fmt.magnitude_mask}
    for exponent in exponents:
        values |= {exponent << m, (exponent << m) | fmt.mantissa_mask,
                   (exponent << m) | (1 << (m - 1)), (exponent << m) | 1}
    values = {value for value in values if value <= fmt.magnitude_mask}
    return sorted(values | {value | fmt.sign_mask for value in values})


def float_corners(format) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of corner values."""
    values = np.array(float_corner_values(format), dtype=np.uint64)
    return np.repeat(values, len(values)), np.tile(values, len(values))

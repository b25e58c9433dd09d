"""Integer arrays wide enough for the products of a given operand width.

Widths up to 32 use ``uint64``: a 32 x 32 product is below ``2**64``. Wider operands use NumPy
object arrays of Python ints, which are exact at any width but about 50x slower.
"""
import numpy as np

NATIVE_MAX_WIDTH = 32


def dtype_for(width: int) -> np.dtype:
    return np.dtype(np.uint64) if width <= NATIVE_MAX_WIDTH else np.dtype(object)


def operand_array(values, *, width: int) -> np.ndarray:
    """``values`` as a 1-D array of the dtype for ``width``, checked to be in ``[0, 2**width)``."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        if values.size and (values.min() < 0 or int(values.max()) >> width):
            raise ValueError(f"Operands must be in [0, 2**{width}), got {int(values.min())} .. "
                             f"{int(values.max())}")
        return np.ascontiguousarray(values, dtype=dtype_for(width)).reshape(-1)
    ints = [int(value) for value in np.asarray(values, dtype=object).reshape(-1)]
    for value in ints:
        if value < 0 or value >> width:
            raise ValueError(f"Operands must be in [0, 2**{width}), not {value}")
    return np.array(ints, dtype=dtype_for(width)).reshape(-1)


def floor_log2(values: np.ndarray) -> np.ndarray:
    """``floor(log2(v))`` per element as int64, and -1 for zeros."""
    if values.dtype == object:
        return np.array([int(value).bit_length() - 1 for value in values], dtype=np.int64)
    # float64 holds every integer below 2**53 exactly, so frexp's exponent is exact here.
    return np.frexp(values.astype(np.float64))[1].astype(np.int64) - 1


def shift_left(values: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Elementwise ``values << amounts`` for uint64, int64 or Python-int arrays."""
    if values.dtype == object:
        return np.array([int(v) << int(s) for v, s in zip(values, amounts)], dtype=object)
    return np.left_shift(values, amounts.astype(values.dtype))


def shift_right(values: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Elementwise ``values >> amounts`` for uint64, int64 or Python-int arrays."""
    if values.dtype == object:
        return np.array([int(v) >> int(s) for v, s in zip(values, amounts)], dtype=object)
    return np.right_shift(values, amounts.astype(values.dtype))


def power_of_two(exponents: np.ndarray, *, like: np.ndarray) -> np.ndarray:
    """``2**exponents`` in the dtype of ``like`` (``np.ones`` of object dtype holds Python ints)."""
    return shift_left(np.ones(len(exponents), dtype=like.dtype), exponents)

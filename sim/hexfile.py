"""Vector files for the batch testbench: one line per vector, fields ``{expected, b, a}`` in hex."""
import numpy as np

_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def field_digits(width: int) -> int:
    """Hex digits of one operand field; fields are nibble-aligned so each can be written alone."""
    return (width + 3) // 4


def _hex_columns(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` as an (N, digits) array of ASCII hex digits, most significant first."""
    if values.dtype == object:
        text = "".join(f"{int(value):0{digits}x}" for value in values)
        return np.frombuffer(text.encode(), dtype=np.uint8).reshape(len(values), digits)
    shifts = np.arange(digits - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    nibbles = (values[:, None] >> shifts[None, :]) & np.uint64(0xF)
    return _DIGITS[nibbles.astype(np.intp)]


def vector_lines(a: np.ndarray, b: np.ndarray, expected: np.ndarray, *, width: int) -> bytes:
    digits = field_digits(width)
    columns = [_hex_columns(expected, 2 * digits), _hex_columns(b, digits), _hex_columns(a, digits),
               np.full((len(a), 1), ord("\n"), dtype=np.uint8)]
    return np.concatenate(columns, axis=1).tobytes()

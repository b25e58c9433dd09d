"""Vector files for the batch testbench, read with ``$fread``: one big-endian word per vector,
made of the byte-aligned fields ``{expected, b, a}``."""
import numpy as np


def field_bytes(width: int) -> int:
    """Bytes of one operand field; byte alignment lets each field be written on its own."""
    return (width + 7) // 8


def _big_endian(values: np.ndarray, size: int) -> np.ndarray:
    """``values`` as an (N, size) array of bytes, most significant first."""
    if values.dtype == object:
        data = b"".join(int(value).to_bytes(size, "big") for value in values)
        return np.frombuffer(data, dtype=np.uint8).reshape(len(values), size)
    as_bytes = values.astype(">u8").view(np.uint8).reshape(len(values), 8)
    return as_bytes[:, 8 - size:]


def vector_bytes(a: np.ndarray, b: np.ndarray, expected: np.ndarray, *, width: int,
                 out_width: int) -> bytes:
    size = field_bytes(width)
    return np.concatenate([_big_endian(expected, field_bytes(out_width)), _big_endian(b, size),
                           _big_endian(a, size)], axis=1).tobytes()

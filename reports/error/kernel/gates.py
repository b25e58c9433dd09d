"""The exhaustive error sums of a foreign design (:mod:`mitchell.sim.foreign`): its gates
evaluated 64 operand pairs per machine word, in compiled numba loops over the cores.

Pair ``i`` of the exhaustive set is ``a = i >> n``, ``b = i & (2**n - 1)``, and bit ``k`` of word
``w`` of a net's bit plane is pair ``64 w + k``. The low 6 bits of the pair index vary within a
word, so their planes are the constants ``0xAAAA...``, ``0xCCCC...``, ``0xF0F0...`` and so on;
every higher bit is constant over a word (all ones or all zeros), read from the word index. One
interpreter loop runs the gate list (opcode, three inputs) over a block of :data:`BLOCK` words at
a time, so that each opcode is decoded once per block and the word loop vectorises; the product
planes are turned back into 64 products per word, and each pair goes through the same
accumulation step as every catalogue design (:func:`.accumulate._step`), so the sums and the
metrics are those of :mod:`..metrics`, exactly as for ours. Rows of :data:`ROW_WORDS` words run in
parallel; memory stays bounded by the rows' sums and one block of planes per thread.
"""
import numpy as np
from numba import njit, prange

from ....sim.foreign import ForeignDesign
from .accumulate import _empty, _step, _store
from .compiled import JIT, LOOP, ONE, U, ZERO

# Words per block of the gate loop (64 pairs each) and per parallel row.
BLOCK = 64
ROW_WORDS = 1 << 11
MAX_WIDTH = 16
# The planes of pair-index bits 0 to 5 within a word.
LOW_PLANES = np.array([0xAAAAAAAAAAAAAAAA, 0xCCCCCCCCCCCCCCCC, 0xF0F0F0F0F0F0F0F0,
                       0xFF00FF00FF00FF00, 0xFFFF0000FFFF0000, 0xFFFFFFFF00000000],
                      dtype=np.uint64)


@njit(**LOOP)
def _gates(ops, in0, in1, in2, first_gate, values, words):
    """Every gate over ``words`` words of the planes ``values`` (nets by words)."""
    for gate in range(len(ops)):
        out, x, y, z = first_gate + gate, in0[gate], in1[gate], in2[gate]
        opcode = ops[gate]
        if opcode == 0:
            for j in range(words):
                values[out, j] = values[x, j]
        elif opcode == 1:
            for j in range(words):
                values[out, j] = ~values[x, j]
        elif opcode == 2:
            for j in range(words):
                values[out, j] = values[x, j] & values[y, j]
        elif opcode == 3:
            for j in range(words):
                values[out, j] = ~(values[x, j] & values[y, j])
        elif opcode == 4:
            for j in range(words):
                values[out, j] = values[x, j] | values[y, j]
        elif opcode == 5:
            for j in range(words):
                values[out, j] = ~(values[x, j] | values[y, j])
        elif opcode == 6:
            for j in range(words):
                values[out, j] = values[x, j] ^ values[y, j]
        elif opcode == 7:
            for j in range(words):
                values[out, j] = ~(values[x, j] ^ values[y, j])
        elif opcode == 8:
            for j in range(words):
                values[out, j] = values[x, j] & ~values[y, j]
        elif opcode == 9:
            for j in range(words):
                values[out, j] = values[x, j] | ~values[y, j]
        elif opcode == 10:
            for j in range(words):
                values[out, j] = (values[x, j] & ~values[z, j]) | (values[y, j] & values[z, j])
        elif opcode == 11:
            for j in range(words):
                values[out, j] = ~((values[x, j] & ~values[z, j]) | (values[y, j] & values[z, j]))
        elif opcode == 12:
            for j in range(words):
                values[out, j] = ~((values[x, j] & values[y, j]) | values[z, j])
        else:
            for j in range(words):
                values[out, j] = ~((values[x, j] | values[y, j]) & values[z, j])


@njit(**JIT)
def _inputs(values, word0, words, width, low_planes):
    """The operand planes of words ``word0`` to ``word0 + words - 1``: nets 2 onwards hold ``a``'s
    bits (pair-index bits n to 2n-1), then ``b``'s (bits 0 to n-1)."""
    for j in range(words):
        word = U(word0 + j)
        for bit in range(2 * width):
            net = 2 + (bit - width if bit >= width else width + bit)
            if bit < 6:
                values[net, j] = low_planes[bit]
            else:
                values[net, j] = ZERO - ((word >> U(bit - 6)) & ONE)


@njit(**LOOP)
def _products(values, outputs, j, products):
    """The 64 products of word ``j``: bit ``k`` of pair ``lane`` is bit ``lane`` of output plane
    ``k``."""
    for lane in range(64):
        products[lane] = ZERO
    for k in range(len(outputs)):
        plane = values[outputs[k], j]
        for lane in range(64):
            products[lane] |= ((plane >> U(lane)) & ONE) << U(k)


@njit(parallel=True, **JIT)
def _exhaustive_rows(ops, in0, in1, in2, outputs, width, pairs, low_planes, start, stop,
                     int_rows, float_rows):
    """Rows ``start`` to ``stop - 1`` of :data:`ROW_WORDS` words each; ``pairs`` is ``2**(2n)``
    (fewer than 64 at 2 bits: the lanes past it are not counted)."""
    first_gate = 2 + 2 * width
    nets = first_gate + len(ops)
    total_words = (pairs + 63) // 64
    mask = (ONE << U(width)) - ONE
    for row in prange(start, stop):
        values = np.empty((nets, BLOCK), dtype=np.uint64)
        products = np.empty(64, dtype=np.uint64)
        ints, floats = _empty()
        row_stop = min((row + 1) * ROW_WORDS, total_words)
        for word0 in range(row * ROW_WORDS, row_stop, BLOCK):
            words = min(BLOCK, row_stop - word0)
            for j in range(words):
                values[0, j] = ZERO
                values[1, j] = ~ZERO
            _inputs(values, word0, words, width, low_planes)
            _gates(ops, in0, in1, in2, first_gate, values, words)
            for j in range(words):
                _products(values, outputs, j, products)
                base = U(64) * U(word0 + j)
                lanes = min(64, pairs - 64 * (word0 + j))
                for lane in range(lanes):
                    pair = base + U(lane)
                    a, b = pair >> U(width), pair & mask
                    ints, floats = _step(ints, floats, a * b, products[lane], ONE, ZERO,
                                         "narrow")
        _store((ints, floats), int_rows, float_rows, row - start)


def refusal(design: ForeignDesign) -> str | None:
    """Why the gate kernel cannot measure ``design``, or None."""
    if design.signed:
        return ("The gate kernel measures unsigned foreign designs (a signed result may change "
                "sign, which the shared accumulation of magnitudes does not take)")
    if design.width > MAX_WIDTH:
        return f"The gate kernel's exhaustive sets cover widths up to {MAX_WIDTH}, not {design.width}"
    return None


def exhaustive_loop(design: ForeignDesign) -> tuple:
    """The loop over every pair of ``design`` (unsigned, up to 16 bits), its leading arguments
    and its count of rows, for :func:`.driver.exhaustive_sums` to call in pieces and add up."""
    reason = refusal(design)
    if reason:
        raise ValueError(reason)
    netlist = design.netlist
    pairs = 1 << (2 * design.width)
    rows = -(-(-(-pairs // 64)) // ROW_WORDS)
    arguments = (netlist.ops, netlist.in0, netlist.in1, netlist.in2, netlist.outputs,
                 np.int64(design.width), np.int64(pairs), LOW_PLANES)
    return _exhaustive_rows, arguments, rows


def describe() -> str:
    import numba
    return f"mitchell.reports.error.kernel.gates:_exhaustive_rows (numba {numba.__version__})"



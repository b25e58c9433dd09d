"""What every compiled kernel module shares: numba's settings, the unsigned constants, and the
LLVM intrinsics and compile-time dispatch that numba lacks."""
import os
from typing import Callable

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

# GNU OpenMP, numba's default threading layer where TBB is absent, aborts a process that forks
# after using it; reports fork worker processes. "forksafe" picks TBB or numba's workqueue.
if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "forksafe"

# Integer model, and no exception checks in the loops (the divisions never see a zero divisor).
JIT = dict(cache=True, nogil=True, error_model="numpy")
# Float sums within a row may be reordered (vectorised, several partial sums); nothing is NaN.
LOOP = dict(JIT, fastmath={"reassoc", "nnan", "nsz"})

U = np.uint64
ONE = np.uint64(1)
ZERO = np.uint64(0)
LOW32 = np.uint64((1 << 32) - 1)


@intrinsic
def leading_zeros(typingctx, value):
    """LLVM's ``ctlz`` on a uint64: the count of leading zero bits, 64 for 0."""
    if value != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        return builder.ctlz(args[0], ir.Constant(ir.IntType(1), 0))

    return types.uint64(types.uint64), codegen


@intrinsic
def fmax(typingctx, x, y):
    """LLVM's ``maxnum`` on float64: a maximum the loop vectoriser recognises as a reduction
    (a compare and select is not)."""
    if x != types.float64 or y != types.float64:
        return None

    def codegen(context, builder, signature, args):
        double = ir.DoubleType()
        function = builder.module.declare_intrinsic("llvm.maxnum", [double],
                                                    ir.FunctionType(double, [double, double]))
        return builder.call(function, args)

    return types.float64(types.float64, types.float64), codegen


@intrinsic
def as_float64(typingctx, bits):
    """The float64 whose IEEE pattern is ``bits`` (an int64)."""
    if bits != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


def static_dispatch(lookup: Callable[[str], Callable], name: str, doc: str) -> Callable:
    """A function for compiled code whose first argument, a compile-time string, picks the
    function ``lookup(key)`` that it calls with the remaining arguments: each key gets its own
    specialised code, and no function object is passed at run time (numba cannot cache code
    that holds one)."""

    def dispatch(key, *args):
        raise NotImplementedError(f"{name}() runs in compiled code only")

    dispatch.__name__ = dispatch.__qualname__ = name
    dispatch.__doc__ = doc

    @overload(dispatch, jit_options=JIT)
    def _dispatch(key, *args):
        if not isinstance(key, types.StringLiteral):
            return None
        function = lookup(key.literal_value)
        return lambda key, *args: function(*args)

    return dispatch

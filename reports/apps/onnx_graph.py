"""The user's own network: an ONNX model run with every product of its MatMul, Gemm and Conv
nodes under a design, every other node exactly in NumPy.

- Integer designs (:class:`~mitchell.sim.design.Design`, and foreign Verilog ones,
  :class:`~mitchell.sim.foreign.ForeignDesign`) run the integer operators of quantised
  models: ``QLinearMatMul``, ``QLinearConv``, ``MatMulInteger``, ``ConvInteger``, and ``MatMul``,
  ``Gemm`` and ``Conv`` whose multiplied inputs both come from ``DequantizeLinear`` (the QDQ
  format). Each product is the design's product of the operands with their zero points
  subtracted, ``(a - a_zp) * (b - b_zp)``, as the operators define it, so operands span
  ``-255 .. 255`` with 8-bit activations: a signed 9-bit design (sign and 8-bit magnitude), which
  :func:`integer_fields` finds from the model, or an unsigned 8-bit one applied as
  :class:`~mitchell.sim.apply.SignMagnitude` (``mitchell apply`` does so for an unsigned
  ``--verilog`` design). Sums are exact (``int64``), then the operator's
  own arithmetic: ``QLinear*`` requantise as onnxruntime does (``float32(sum) * float32(a_scale *
  b_scale / y_scale)``, rounded half to even, plus ``y_zp``, saturated); a QDQ node's sum is
  scaled by ``a_scale * b_scale`` in ``float64`` and rounded once to ``float32``.
- Floating-point designs (:class:`~mitchell.sim.float_design.FloatDesign`) run ``MatMul``,
  ``Gemm`` and ``Conv`` of float32 models: operands rounded into the design's format, its
  products, sums in ``float64``, results rounded to ``float32``.
- :data:`EXACT` nodes run exactly: their NumPy definition, in ``float64`` where onnxruntime's
  float32 would round differently, rounded to ``float32`` once. ``Mul`` is elementwise (the
  rescaling in onnxruntime's ``quantize_dynamic`` models, after ``DynamicQuantizeLinear``,
  ``MatMulInteger`` and ``Cast``), not a matrix product.

With the exact design the outputs equal onnxruntime's bit for bit for the integer operators
(where onnxruntime's own kernels are exact: see ``tests/test_onnx_graph.py``) and within float32
rounding of the accumulation for float models. Gemm's ``alpha`` and ``beta`` scalings are exact.

:func:`evaluate` runs every design over the inputs in batches (bounded memory) and measures
accuracy, top-1 agreement with the exact design's run and the mean relative error of the logits.
"""
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...rtl.params import check_int
from ...sim import apply
from ...sim.float_design import FloatDesign

# The nodes whose products a design makes.
MULTIPLYING = ("MatMul", "Gemm", "Conv")
INTEGER = ("QLinearMatMul", "QLinearConv", "MatMulInteger", "ConvInteger")
# The nodes run exactly; Constant and Identity are no computation.
EXACT = ("Relu", "Add", "MaxPool", "AveragePool", "Flatten", "Reshape", "Softmax",
         "BatchNormalization", "Transpose", "Concat", "QuantizeLinear", "DequantizeLinear",
         "DynamicQuantizeLinear", "Cast", "Mul", "Constant", "Identity")
DEFAULT_BATCH = 256
# Patch-matrix entries a convolution forms at once: bounds its memory (32 MiB of int64).
CONV_BLOCK = 1 << 22


@dataclass(frozen=True)
class Input:
    """A graph input: its name, NumPy dtype and shape (``None`` for a dimension left free, or
    for the whole shape when the model declares none)."""

    name: str
    dtype: np.dtype
    shape: tuple | None

    def fits(self, shape: tuple) -> bool:
        """Whether an array of ``shape`` holds samples of this input along its first axis."""
        if self.shape is None:
            return len(shape) >= 1
        return len(shape) == len(self.shape) >= 1 and all(
            d is None or d == size for d, size in zip(self.shape[1:], shape[1:]))

    def describe(self) -> str:
        if self.shape is None:
            return "(N, ...)"
        return f"({', '.join('N' if i == 0 else str(d or '?') for i, d in enumerate(self.shape))})"


def _attributes(node) -> dict:
    from onnx import helper

    values = {}
    for attribute in node.attribute:
        value = helper.get_attribute_value(attribute)
        values[attribute.name] = value.decode() if isinstance(value, bytes) else value
    return values


def _node_name(node) -> str:
    return f"{node.op_type} {node.name or node.output[0]!r}"


class Model:
    """An ONNX model read and checked: every node one that :func:`run` knows, its constants as
    arrays. Raises ``ValueError`` in one line for a file that is not an ONNX model or a node of
    another kind."""

    def __init__(self, path):
        import onnx
        from google.protobuf.message import DecodeError
        from onnx import numpy_helper

        path = Path(path)
        if not path.is_file():
            raise ValueError(f"Model must be an ONNX file, not {str(path)!r} ({_not_a_file(path)})")
        try:
            proto = onnx.load(path)
            onnx.checker.check_model(proto)
        except (DecodeError, onnx.checker.ValidationError) as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ValueError(f"{path} is not an ONNX model: {reason}") from None
        graph = proto.graph
        self.name = path.name
        self.opset = next((entry.version for entry in proto.opset_import
                           if entry.domain in ("", "ai.onnx")), 1)
        self.nodes = list(graph.node)
        for node in self.nodes:
            if node.domain not in ("", "ai.onnx") or node.op_type not in (*MULTIPLYING, *INTEGER,
                                                                         *EXACT):
                domain = f" (domain {node.domain})" if node.domain not in ("", "ai.onnx") else ""
                # onnxruntime's quantize_static writes its own operators (QLinearAdd, ...) in
                # the QOperator format; its QDQ format writes standard ones.
                hint = ("; quantise in onnxruntime's QDQ format (quant_format=QuantFormat.QDQ) "
                        "for standard operators") if node.domain == "com.microsoft" else ""
                raise ValueError(f"Node {node.name or node.output[0]!r} is a {node.op_type}"
                                 f"{domain}, which mitchell does not run (it runs "
                                 f"{', '.join(MULTIPLYING + INTEGER + EXACT[:-2])}){hint}")
        self.constants = {tensor.name: numpy_helper.to_array(tensor)
                          for tensor in graph.initializer}
        for node in self.nodes:
            if node.op_type == "Constant":
                self.constants[node.output[0]] = _constant(node)
        self.inputs = [_input(value) for value in graph.input if value.name not in self.constants]
        self.outputs = [value.name for value in graph.output]
        self._producers = {output: node for node in self.nodes for output in node.output}

    def produced_by(self, name: str, op_type: str):
        """The node of type ``op_type`` that computes ``name``, or ``None``."""
        node = self._producers.get(name)
        return node if node is not None and node.op_type == op_type else None

    def multiplications(self) -> list[tuple[object, str]]:
        """Every node whose products a design makes, with what it multiplies: ``"integer"``
        (an integer operator, or a QDQ node: both multiplied inputs dequantised) or ``"float"``."""
        found = []
        for node in self.nodes:
            if node.op_type in INTEGER:
                found.append((node, "integer"))
            elif node.op_type in MULTIPLYING:
                dequantised = all(self.produced_by(name, "DequantizeLinear")
                                  for name in node.input[:2])
                found.append((node, "integer" if dequantised else "float"))
        return found

    def operand_ranges(self) -> dict[str, tuple[int, int]]:
        """For each integer node, the smallest and largest operand once zero points are
        subtracted: from a constant operand's values, else from its dtype's range."""
        ranges = {}
        for node, kind in self.multiplications():
            if kind != "integer":
                continue
            low, high = 0, 0
            for operand, zero_point, axis in _quantised_operands(self, node):
                value = self.constants.get(operand)
                dtype = _integer_dtype(self, operand, zero_point)
                if zero_point is None:
                    zero = np.zeros((), np.int64)
                else:  # a zero point computed at run time (DynamicQuantizeLinear) spans its dtype
                    zero = self.constants.get(zero_point, np.array(
                        [np.iinfo(dtype).min, np.iinfo(dtype).max])).astype(np.int64)
                if value is not None:
                    centred = value.astype(np.int64) - _along(zero, axis, value.ndim)
                    lo, hi = int(centred.min()), int(centred.max())
                else:
                    info = np.iinfo(dtype)
                    lo, hi = info.min - int(zero.max()), info.max - int(zero.min())
                low, high = min(low, lo), max(high, hi)
            ranges[_node_name(node)] = (low, high)
        return ranges


def _quantised_operands(model: Model, node) -> list[tuple[str, str | None, int | None]]:
    """The integer operands of an integer node: each one's name, its zero point's name (``None``
    for 0) and the axis of a per-axis zero point: the output channels (0) of a convolution's
    weights, the columns (last) of a matmul's second input, DequantizeLinear's ``axis``."""
    inputs = list(node.input) + [""] * 8
    if node.op_type in ("QLinearMatMul", "QLinearConv", "MatMulInteger", "ConvInteger"):
        second = 3 if node.op_type.startswith("QLinear") else 1
        zero_points = (2, 5) if node.op_type.startswith("QLinear") else (2, 3)
        weights_axis = 0 if "Conv" in node.op_type else -1
        return [(inputs[0], inputs[zero_points[0]] or None, None),
                (inputs[second], inputs[zero_points[1]] or None, weights_axis)]
    operands = []
    for name in node.input[:2]:
        producer = model.produced_by(name, "DequantizeLinear")
        source = list(producer.input) + [""]
        operands.append((source[0], source[2] or None, _attributes(producer).get("axis", 1)))
    return operands


def _integer_dtype(model: Model, operand: str, zero_point: str | None) -> np.dtype:
    """The dtype of an integer operand: its zero point's, else the graph input's, else uint8
    (the default of QuantizeLinear and the integer operators, DynamicQuantizeLinear's only)."""
    if zero_point in model.constants:
        return model.constants[zero_point].dtype
    declared = next((value.dtype for value in model.inputs if value.name == operand), None)
    return declared if declared is not None else np.dtype(np.uint8)


def _along(values: np.ndarray, axis: int | None, ndim: int) -> np.ndarray:
    """A per-axis vector shaped to broadcast along ``axis`` of an ``ndim``-array (a scalar as is)."""
    values = np.asarray(values)
    if values.ndim == 0 or values.size == 1:
        return values.reshape(())
    shape = [1] * ndim
    shape[axis % ndim] = values.size
    return values.reshape(shape)


def _input(value) -> Input:
    from onnx import helper

    tensor = value.type.tensor_type
    if not tensor.HasField("shape"):  # no shape declared: any array fits
        return Input(value.name, np.dtype(helper.tensor_dtype_to_np_dtype(tensor.elem_type)), None)
    dims = tuple(d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim)
    return Input(value.name, np.dtype(helper.tensor_dtype_to_np_dtype(tensor.elem_type)), dims)


def _constant(node) -> np.ndarray:
    from onnx import numpy_helper

    attributes = _attributes(node)
    if "value" in attributes:
        return numpy_helper.to_array(attributes["value"])
    for name, dtype in (("value_float", np.float32), ("value_floats", np.float32),
                        ("value_int", np.int64), ("value_ints", np.int64)):
        if name in attributes:
            return np.array(attributes[name], dtype=dtype)
    raise ValueError(f"{_node_name(node)} has no value mitchell reads (value, value_float(s), "
                     f"value_int(s))")


def integer_fields(model: Model, *, signed: bool = False) -> dict | None:
    """The narrowest ``width`` and ``signed`` of an integer design (signed if ``signed`` or
    needed) that holds every operand of the model's integer nodes (zero points subtracted), or
    ``None`` for a model without any."""
    ranges = model.operand_ranges()
    if not ranges:
        return None
    low = min(lo for lo, _ in ranges.values())
    high = max(hi for _, hi in ranges.values())
    if low >= 0 and not signed:
        return {"width": max(high.bit_length(), 1), "signed": False}
    width = max((-low - 1).bit_length(), high.bit_length()) + 1
    return {"width": width, "signed": True}


def check_design(model: Model, design) -> None:
    """``ValueError`` in one line unless ``design`` can make every product of ``model``."""
    if not isinstance(design, (*apply.INTEGER_DESIGNS, FloatDesign)):
        raise TypeError(f"Design must be a Design, a ForeignDesign or a FloatDesign, not "
                        f"{design!r}")
    if isinstance(design, apply.INTEGER_DESIGNS) and design.entry.kind.name != "multiplier":
        raise ValueError(f"Design must be a multiplier, not {design.label}")
    for node, kind in model.multiplications():
        if isinstance(design, FloatDesign):
            if node.op_type in INTEGER:
                raise ValueError(f"{_node_name(node)} multiplies integers: it takes an integer "
                                 f"design, not {design.label}")
            continue
        if kind == "float":
            raise ValueError(f"{_node_name(node)} multiplies float tensors: it takes a float "
                             f"design (--format), not {design.label}")
    ranges = model.operand_ranges()
    if isinstance(design, apply.INTEGER_DESIGNS) and ranges:
        low, high = apply.operand_range(design)
        for name, (lo, hi) in ranges.items():
            if lo < low or hi > high:
                fields = integer_fields(model)
                needed = f"{'signed ' if fields['signed'] else ''}{fields['width']}-bit"
                raise ValueError(f"{name} has operands in {lo} .. {hi} (zero points "
                                 f"subtracted), beyond {design.label}'s {low} .. {high}: the "
                                 f"model needs a {needed} design")


class _Run:
    """One pass of the graph over one batch with one design."""

    def __init__(self, model: Model, design):
        self.model = model
        self.design = design
        self.values = dict(model.constants)
        # DequantizeLinear outputs: name -> (integer values less zero point, scale, axis).
        self.dequantised = {}
        # Integer tensors with a zero point (QuantizeLinear and QLinear outputs): name -> zp.
        self.zero_points = {}
        self.macs = 0

    def product(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """``A @ B`` for 2-D operands, every product the design's."""
        self.macs += A.shape[0] * A.shape[1] * B.shape[1]
        return apply.matmul(A, B, self.design)

    def matmul(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """``numpy.matmul``'s shapes (vectors, stacks broadcast) through :meth:`product`."""
        vector_a, vector_b = A.ndim == 1, B.ndim == 1
        A = A[None] if vector_a else A
        B = B[:, None] if vector_b else B
        if B.ndim == 2:
            result = self.product(A.reshape(-1, A.shape[-1]), B).reshape(*A.shape[:-1], B.shape[1])
        else:
            batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
            A = np.broadcast_to(A, (*batch, *A.shape[-2:])).reshape(-1, *A.shape[-2:])
            B = np.broadcast_to(B, (*batch, *B.shape[-2:])).reshape(-1, *B.shape[-2:])
            result = np.stack([self.product(a, b) for a, b in zip(A, B)]).reshape(
                *batch, A.shape[1], B.shape[2])
        if vector_a:
            result = result[..., 0, :]
        if vector_b:
            result = result[..., 0]
        return result

    def convolve(self, node, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        """ONNX Conv's cross-correlation of ``x`` (N, C, ...) by ``w`` (F, C / group, ...), 1-D or
        2-D, padded with zeros (integer operands arrive with their zero points subtracted)."""
        attributes = _attributes(node)
        spatial = x.ndim - 2
        if spatial not in (1, 2):
            raise ValueError(f"a {spatial}-D convolution: mitchell runs 1-D and 2-D ones")
        kernel = w.shape[2:]
        strides = attributes.get("strides", [1] * spatial)
        dilations = attributes.get("dilations", [1] * spatial)
        pads = _pads(attributes, x.shape[2:], kernel, strides, dilations)
        x = np.pad(x, [(0, 0), (0, 0)] + list(zip(pads[:spatial], pads[spatial:])))
        if spatial == 1:  # one row of a 2-D image
            x, w = x[:, :, None], w[:, :, None]
            kernel, strides, dilations = (1, *kernel), (1, *strides), (1, *dilations)
        group = attributes.get("group", 1)
        n, channels = x.shape[:2]
        per_group, filters = channels // group, w.shape[0] // group
        extents = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
        out = [(size - extent) // stride + 1
               for size, extent, stride in zip(x.shape[2:], extents, strides)]
        patch = per_group * math.prod(kernel)
        images = max(CONV_BLOCK // max(patch * math.prod(out), 1), 1)
        blocks = []
        for start in range(0, n, images):
            groups = []
            for g in range(group):
                columns = apply.im2col(x[start:start + images, g * per_group:(g + 1) * per_group],
                                       tuple(kernel), stride=tuple(strides),
                                       dilation=tuple(dilations))
                groups.append(self.product(columns, w[g * filters:(g + 1) * filters]
                                           .reshape(filters, -1).T))
            blocks.append(np.concatenate(groups, axis=1))
        result = np.concatenate(blocks).reshape(n, *out, filters * group)
        result = np.moveaxis(result, -1, 1)
        return result[:, :, 0] if spatial == 1 else result


def _pads(attributes: dict, sizes, kernel, strides, dilations) -> list[int]:
    """The begin and end pads of each spatial axis (ONNX order: all begins, then all ends)."""
    spatial = len(kernel)
    auto = attributes.get("auto_pad", "NOTSET")
    if auto == "NOTSET":
        return list(attributes.get("pads", [0] * 2 * spatial))
    if auto == "VALID":
        return [0] * 2 * spatial
    if auto not in ("SAME_UPPER", "SAME_LOWER"):
        raise ValueError(f"auto_pad {auto!r}: mitchell knows NOTSET, VALID, SAME_UPPER and "
                         f"SAME_LOWER")
    begins, ends = [], []
    for size, k, stride, dilation in zip(sizes, kernel, strides, dilations):
        total = max((-(-size // stride) - 1) * stride + (k - 1) * dilation + 1 - size, 0)
        small, large = total // 2, total - total // 2
        begins.append(small if auto == "SAME_UPPER" else large)
        ends.append(large if auto == "SAME_UPPER" else small)
    return begins + ends


def _windows(node, x: np.ndarray, fill) -> tuple[np.ndarray, np.ndarray]:
    """A pooling node's windows ``(N, C, *out, *kernel)`` of ``x`` padded with ``fill``, and the
    windows of a mask that is 1 on ``x`` and 0 on the padding."""
    attributes = _attributes(node)
    if attributes.get("ceil_mode", 0):
        raise ValueError("ceil_mode=1: mitchell runs ceil_mode=0")
    kernel = attributes["kernel_shape"]
    spatial = len(kernel)
    strides = attributes.get("strides", [1] * spatial)
    dilations = attributes.get("dilations", [1] * spatial)
    pads = _pads(attributes, x.shape[2:], kernel, strides, dilations)
    widths = [(0, 0), (0, 0)] + list(zip(pads[:spatial], pads[spatial:]))
    extents = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
    picks = (Ellipsis, *(slice(None, None, s) for s in strides),
             *(slice(None, None, d) for d in dilations))
    axes = tuple(range(2, 2 + spatial))

    def view(array):
        return np.lib.stride_tricks.sliding_window_view(array, extents, axis=axes)[picks]

    return (view(np.pad(x, widths, constant_values=fill)),
            view(np.pad(np.ones((1, 1, *x.shape[2:]), dtype=np.int64), widths)))


def _max_pool(run, node, x):
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    windows, _ = _windows(node, x, fill)
    return windows.max(axis=tuple(range(x.ndim, windows.ndim)))


def _average_pool(run, node, x):
    windows, mask = _windows(node, x, 0)
    axes = tuple(range(x.ndim, windows.ndim))
    if _attributes(node).get("count_include_pad", 0):
        count = math.prod(windows.shape[x.ndim:])
    else:
        count = mask.sum(axis=tuple(range(mask.ndim - len(axes), mask.ndim)))
    return (windows.sum(axis=axes, dtype=np.float64) / count).astype(x.dtype)


def _integer_operand(run, name: str, zero_point: str, axis: int | None) -> np.ndarray:
    """An integer input less its zero point (``int64``), ``axis`` for a per-axis zero point."""
    values = run.values[name].astype(np.int64)
    if not zero_point:
        return values
    return values - _along(run.values[zero_point].astype(np.int64), axis, values.ndim)


def _requantise(run, output: str, total: np.ndarray, scale: np.ndarray, zero_point: str):
    """onnxruntime's requantisation: ``float32(total) * scale`` (float32), rounded half to even,
    plus the zero point, saturated to the zero point's dtype."""
    zero = run.values[zero_point] if zero_point else np.zeros((), np.uint8)
    info = np.iinfo(zero.dtype)
    rounded = np.rint(total.astype(np.float32) * scale)
    run.zero_points[output] = zero
    return np.clip(rounded + zero.astype(np.float32), info.min, info.max).astype(zero.dtype)


def _output_scale(run, inputs, indices, axis, ndim) -> np.ndarray:
    """``a_scale * b_scale / y_scale`` in float32, as onnxruntime forms it."""
    a, b, y = (run.values[inputs[i]].astype(np.float32) for i in indices)
    return _along(a * b / y, axis, ndim)


def _qlinear_matmul(run, node, *_):
    names = list(node.input)
    a = _integer_operand(run, names[0], names[2], None)
    b = _integer_operand(run, names[3], names[5], -1)
    total = run.matmul(a, b)
    return _requantise(run, node.output[0], total, _output_scale(run, names, (1, 4, 6), -1,
                                                                 total.ndim), names[7])


def _qlinear_conv(run, node, *_):
    names = list(node.input) + [""]
    x = _integer_operand(run, names[0], names[2], None)
    w = _integer_operand(run, names[3], names[5], 0)
    total = run.convolve(node, x, w)
    if names[8]:
        total = total + _along(run.values[names[8]].astype(np.int64), 1, total.ndim)
    return _requantise(run, node.output[0], total, _output_scale(run, names, (1, 4, 6), 1,
                                                                 total.ndim), names[7])


def _matmul_integer(run, node, *_):
    names = list(node.input) + ["", ""]
    total = run.matmul(_integer_operand(run, names[0], names[2], None),
                       _integer_operand(run, names[1], names[3], -1))
    return total.astype(np.int32)


def _conv_integer(run, node, *_):
    names = list(node.input) + ["", ""]
    total = run.convolve(node, _integer_operand(run, names[0], names[2], None),
                         _integer_operand(run, names[1], names[3], 0))
    return total.astype(np.int32)


def _operands(run, node, transposes=(0, 0)):
    """The two multiplied inputs of MatMul, Gemm or Conv, and the factor that scales their
    products' sum: for an integer design, the dequantised inputs' integers less zero points and
    ``a_scale * b_scale`` along the output's columns (channels for Conv); else the float values
    and 1."""
    names = node.input[:2]
    if isinstance(run.design, FloatDesign):
        a, b = (run.values[name] for name in names)
        return (a.T if transposes[0] else a), (b.T if transposes[1] else b), None
    (a, scale_a, axis_a), (b, scale_b, axis_b) = (run.dequantised[name] for name in names)
    if transposes[0]:
        a, axis_a = a.T, None if axis_a is None else 1 - axis_a % 2
    if transposes[1]:
        b, axis_b = b.T, None if axis_b is None else 1 - axis_b % 2
    columns = 0 if node.op_type == "Conv" else b.ndim - 1
    if axis_a is not None or (axis_b is not None and axis_b % b.ndim != columns):
        raise ValueError("mitchell takes a per-axis scale on the output channels of the "
                         "second input only")
    return a, b, (scale_a, scale_b)


def _scaled(total: np.ndarray, scales, axis: int) -> np.ndarray:
    """A product sum as float32: a QDQ node's integer sum times ``a_scale * b_scale`` (in
    float64, rounded once), or a float design's sum rounded."""
    if scales is None:
        return total.astype(np.float32)
    scale_a, scale_b = (np.asarray(s, dtype=np.float64) for s in scales)
    factor = _along(scale_a * scale_b.reshape(-1), axis, total.ndim)
    return (total.astype(np.float64) * factor).astype(np.float32)


def _matmul(run, node, *_):
    a, b, scales = _operands(run, node)
    return _scaled(run.matmul(a, b), scales, -1)


def _gemm(run, node, *inputs):
    attributes = _attributes(node)
    a, b, scales = _operands(run, node, (attributes.get("transA", 0), attributes.get("transB", 0)))
    result = _scaled(run.product(a, b), scales, -1)
    alpha, beta = (np.float32(attributes.get(name, 1.0)) for name in ("alpha", "beta"))
    if alpha != 1:
        result = result * alpha
    if len(inputs) > 2 and inputs[2] is not None:
        result = result + (inputs[2] if beta == 1 else inputs[2] * beta)
    return result.astype(np.float32)


def _conv(run, node, *inputs):
    x, w, scales = _operands(run, node)
    result = _scaled(run.convolve(node, x, w), scales, 1)
    if len(inputs) > 2 and inputs[2] is not None:
        result = result + _along(inputs[2], 1, result.ndim)
    return result


def _quantize_linear(run, node, x, scale, zero=None):
    axis = _attributes(node).get("axis", 1)
    zero = np.zeros((), np.uint8) if zero is None else zero
    info = np.iinfo(zero.dtype)
    # float32 division and rounding half to even, as onnxruntime's kernel.
    rounded = np.rint(x.astype(np.float32) / _along(scale.astype(np.float32), axis, x.ndim))
    result = np.clip(rounded + _along(zero, axis, x.ndim).astype(np.float32), info.min, info.max)
    run.zero_points[node.output[0]] = zero
    return result.astype(zero.dtype)


def _dequantize_linear(run, node, x, scale, zero=None):
    axis = _attributes(node).get("axis", 1)
    per_axis = None if np.asarray(scale).size == 1 else axis % x.ndim
    centred = x.astype(np.int64)
    if zero is not None:
        centred = centred - _along(zero.astype(np.int64), axis, x.ndim)
    run.dequantised[node.output[0]] = (centred, scale, per_axis)
    return centred.astype(np.float32) * _along(scale.astype(np.float32), axis, x.ndim)


def _dynamic_quantize_linear(run, node, x):
    """uint8 quantisation over the tensor's range and 0, in float32 as onnxruntime computes it:
    scale ``(max - min) / 255``, zero point ``round(-min / scale)``, then QuantizeLinear."""
    x = x.astype(np.float32)
    low = np.minimum(x.min(initial=np.float32(0)), np.float32(0))
    high = np.maximum(x.max(initial=np.float32(0)), np.float32(0))
    scale = np.float32(1) if high == low else (high - low) / np.float32(255)
    zero = np.rint(np.clip(np.float32(0) - low / scale, 0, 255)).astype(np.uint8)
    return _quantize_linear(run, node, x, np.asarray(scale, np.float32), zero), \
        np.asarray(scale, np.float32), zero


def _cast(run, node, x):
    from onnx import helper

    return x.astype(helper.tensor_dtype_to_np_dtype(_attributes(node)["to"]))


def _softmax(run, node, x):
    default = -1 if run.model.opset >= 13 else 1
    axis = _attributes(node).get("axis", default) % x.ndim
    shape = x.shape
    if run.model.opset < 13:  # the input seen as 2-D, split at the axis
        x, axis = x.reshape(math.prod(shape[:axis]), -1), 1
    shifted = np.exp(x.astype(np.float64) - x.max(axis=axis, keepdims=True))
    return (shifted / shifted.sum(axis=axis, keepdims=True)).astype(np.float32).reshape(shape)


def _batch_normalization(run, node, x, scale, bias, mean, variance):
    attributes = _attributes(node)
    if attributes.get("training_mode", 0):
        raise ValueError("training mode: mitchell runs inference")
    epsilon = attributes.get("epsilon", 1e-5)
    values = [_along(v.astype(np.float64), 1, x.ndim) for v in (scale, bias, mean, variance)]
    scale, bias, mean, variance = values
    return ((x - mean) / np.sqrt(variance + epsilon) * scale + bias).astype(np.float32)


def _reshape(run, node, x, shape):
    allow_zero = _attributes(node).get("allowzero", 0)
    shape = [x.shape[i] if d == 0 and not allow_zero else int(d) for i, d in enumerate(shape)]
    return x.reshape(shape)


def _flatten(run, node, x):
    axis = _attributes(node).get("axis", 1) % (x.ndim + 1) if x.ndim else 0
    return x.reshape(math.prod(x.shape[:axis]), -1)


def _transpose(run, node, x):
    return x.transpose(_attributes(node).get("perm", list(reversed(range(x.ndim)))))


def _concat(run, node, *inputs):
    return np.concatenate(inputs, axis=_attributes(node)["axis"])


OPERATORS = {
    "MatMul": _matmul, "Gemm": _gemm, "Conv": _conv,
    "QLinearMatMul": _qlinear_matmul, "QLinearConv": _qlinear_conv,
    "MatMulInteger": _matmul_integer, "ConvInteger": _conv_integer,
    "Relu": lambda run, node, x: np.maximum(x, np.zeros((), x.dtype)),
    "Add": lambda run, node, a, b: a + b,
    "Mul": lambda run, node, a, b: a * b,
    "DynamicQuantizeLinear": _dynamic_quantize_linear, "Cast": _cast,
    "MaxPool": _max_pool, "AveragePool": _average_pool, "Flatten": _flatten,
    "Reshape": _reshape, "Softmax": _softmax, "BatchNormalization": _batch_normalization,
    "Transpose": _transpose, "Concat": _concat,
    "QuantizeLinear": _quantize_linear, "DequantizeLinear": _dequantize_linear,
    "Identity": lambda run, node, x: x,
}


def run(model: Model, inputs: dict[str, np.ndarray], design) -> tuple[dict, dict, int]:
    """The graph over ``inputs`` (arrays by input name, shapes and dtypes as declared) with
    ``design``'s products: the outputs by name, the zero points of integer outputs, and the
    number of products made."""
    state = _Run(model, design)
    state.values.update(inputs)
    for node in model.nodes:
        if node.op_type == "Constant":
            continue
        arguments = [state.values[name] if name else None for name in node.input]
        try:
            results = OPERATORS[node.op_type](state, node, *arguments)
        except ValueError as error:  # what the model asks that mitchell or NumPy cannot do
            raise ValueError(f"{_node_name(node)}: {error}") from None
        for name, value in zip(node.output, results if isinstance(results, tuple) else (results,)):
            state.values[name] = value
    return ({name: state.values[name] for name in model.outputs},
            {name: zero for name, zero in state.zero_points.items() if name in model.outputs},
            state.macs)


def _not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as a file, in words."""
    return "not a regular file" if path.exists() else "no such file"


def read_array_file(path, *, what: str):
    """The arrays of a ``.npy`` (one array) or ``.npz`` file (a dict by name); ``ValueError`` in
    one line for a missing or unreadable file."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{what} must be a .npy or .npz file, not {str(path)!r} "
                         f"({_not_a_file(path)})")
    try:
        loaded = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        reason = str(error).splitlines()[0] if str(error) else "unreadable"
        raise ValueError(f"{what} must be a .npy or .npz file; {str(path)!r} is not one "
                         f"({reason})") from None
    if isinstance(loaded, np.ndarray):
        return loaded
    with loaded:
        return {name: loaded[name] for name in loaded.files}


def check_inputs(model: Model, arrays) -> dict[str, np.ndarray]:
    """The model's inputs from ``arrays`` (one array for a model of one input, or arrays by input
    name), the first axis being the samples: each checked against its declared shape and cast to
    its dtype. ``ValueError`` in one line otherwise."""
    if not isinstance(arrays, dict):
        arrays = {"": arrays}
    if len(model.inputs) == 1 and len(arrays) == 1:
        arrays = {model.inputs[0].name: next(iter(arrays.values()))}
    missing = [value.name for value in model.inputs if value.name not in arrays]
    if missing:
        raise ValueError(f"Inputs must hold an array for each model input "
                         f"({', '.join(value.name for value in model.inputs)}), not "
                         f"{', '.join(name or 'one unnamed array' for name in arrays)}")
    checked, counts = {}, set()
    for value in model.inputs:
        array = np.asarray(arrays[value.name])
        if not value.fits(array.shape):
            raise ValueError(f"Input {value.name!r} must be {value.describe()} with N samples, "
                             f"not {array.shape}")
        if value.dtype.kind in "iu":
            info = np.iinfo(value.dtype)
            if array.dtype.kind not in "iu" or (array.size and (array.min() < info.min or
                                                                array.max() > info.max)):
                raise ValueError(f"Input {value.name!r} must hold {value.dtype} integers, not "
                                 f"{array.dtype} values")
        elif array.dtype.kind not in "iuf":
            raise ValueError(f"Input {value.name!r} must hold numbers, not {array.dtype}")
        checked[value.name] = array.astype(value.dtype)
        counts.add(len(array))
    if len(counts) > 1:
        raise ValueError(f"Inputs must hold as many samples each, not {sorted(counts)}")
    return checked


def check_labels(labels, samples: int) -> np.ndarray:
    """Labels as integers, one per sample; a ``.npz`` of one array is that array."""
    if isinstance(labels, dict):
        if len(labels) != 1:
            raise ValueError(f"Labels must be one array, not {len(labels)} ({', '.join(labels)})")
        labels = next(iter(labels.values()))
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu" or labels.shape != (samples,):
        raise ValueError(f"Labels must be {samples} integers (one per input), not "
                         f"{labels.shape} {labels.dtype}")
    return labels


def batch_size(model: Model, requested: int) -> int:
    """``requested``, or the sample count the model's inputs fix (a model exported for batch 1)."""
    fixed = {value.shape[0] for value in model.inputs if value.shape and value.shape[0]}
    return fixed.pop() if len(fixed) == 1 else requested


def _logits(outputs: dict, zero_points: dict, name: str) -> np.ndarray:
    """An output as ``float64``, one row per sample; an integer output less its zero point."""
    values = outputs[name].astype(np.float64)
    if name in zero_points:
        values = values - zero_points[name].astype(np.float64)
    return values.reshape(len(values), -1)


def evaluate(model: Model, inputs: dict[str, np.ndarray], designs: list, *,
             labels: np.ndarray | None = None, output: str | None = None,
             batch: int = DEFAULT_BATCH, progress=None) -> dict:
    """Each design's run of ``model`` over ``inputs`` (checked by :func:`check_inputs`) against
    the run of its exact baseline: accuracy (top-1 of ``output``, the first output unless named,
    against ``labels``), top-1 agreement, and the mean over samples of ``|y - y0|_1 / |y0|_1``
    of the logits (samples whose exact logits are all 0 left out). Baselines get rows too.
    ``progress(fraction)`` is called after each batch."""
    check_int(batch, name="Batch", minimum=1)
    output = model.outputs[0] if output is None else output
    if output not in model.outputs:
        raise ValueError(f"Logits must be one of the model's outputs ({', '.join(model.outputs)}), "
                         f"not {output!r}")
    for design in designs:
        check_design(model, design)
    runs = list(dict.fromkeys(d for design in designs for d in (design.baseline, design)))
    samples = len(next(iter(inputs.values())))
    size = batch_size(model, batch)
    if samples % size and size != batch:
        raise ValueError(f"The model takes batches of {size}: inputs must hold a multiple of "
                         f"{size} samples, not {samples}")
    totals = {design: {"correct": 0, "agree": 0, "error": 0.0, "counted": 0, "macs": 0}
              for design in runs}
    for start in range(0, samples, size):
        chunk = {name: array[start:start + size] for name, array in inputs.items()}
        logits = {}
        for design in runs:
            outputs, zero_points, macs = run(model, chunk, design)
            logits[design] = _logits(outputs, zero_points, output)
            exact = logits[design.baseline]
            total = totals[design]
            total["macs"] += macs
            total["agree"] += int((logits[design].argmax(axis=1) == exact.argmax(axis=1)).sum())
            if labels is not None:
                total["correct"] += int((logits[design].argmax(axis=1)
                                         == labels[start:start + size]).sum())
            norms = np.abs(exact).sum(axis=1)
            counted = norms > 0
            total["error"] += float((np.abs(logits[design] - exact).sum(axis=1)[counted]
                                     / norms[counted]).sum())
            total["counted"] += int(counted.sum())
        if progress is not None:
            progress(min(start + size, samples) / samples)
    rows = [{"design": design.label, "variant": design.variant,
             "accuracy": None if labels is None else total["correct"] / samples,
             "agreement": total["agree"] / samples,
             "logit_error": total["error"] / total["counted"] if total["counted"] else 0.0,
             "macs": total["macs"]}
            for design, total in totals.items()]
    return {"model": model.name, "output": output, "samples": samples, "labelled": labels is not None,
            "macs_per_sample": rows[0]["macs"] // max(samples, 1), "rows": rows}


def _percent(value) -> str:
    return "-" if value is None else f"{100 * value:.2f} %"


HEADER = ["design", "accuracy", "top-1 agreement", "logit error"]


def lines(result: dict) -> list[list[str]]:
    """The table's rows: accuracy, agreement with the exact run, mean relative logit error."""
    return [[row["design"], _percent(row["accuracy"]), _percent(row["agreement"]),
             f"{100 * row['logit_error']:.3f} %"] for row in result["rows"]]


def describe(result: dict) -> str:
    labelled = "labelled" if result["labelled"] else "unlabelled"
    return (f"{result['model']}: {result['samples']} {labelled} samples, "
            f"{result['macs_per_sample']:,} products per sample, every MatMul, Gemm and Conv "
            f"product the design's, other nodes exact; output {result['output']!r}; top-1 "
            f"agreement and the logits' mean relative error (L1, per sample) against the "
            f"exact design's run")

"""mitchell.reports.apps.onnx_graph: ONNX models built with onnx.helper, run with the exact design
against onnxruntime, and with every approximate design against explicit loops over its golden
model.

onnxruntime is the reference only where its kernels are exact: its x86 QLinearMatMul kernels
without VNNI saturate pairs of uint8 x int8 products to 16 bits when the weights use the full
int8 range, so the models compared with it keep their weights within -64 .. 63 (onnxruntime's
``reduce_range``); full-range weights are checked against the loops."""
import json
import re

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from mitchell.reports.apps import digits
from mitchell.reports.apps import onnx_graph
from mitchell.sim.catalogue import CATALOGUE
from mitchell.sim.design import Design
from mitchell.sim.float_design import FloatDesign

from .test_apply import product

MULTIPLIERS = [name for name, entry in CATALOGUE.items() if entry.kind.name == "multiplier"]
OPSET = 17


def tensor(name, values):
    return numpy_helper.from_array(np.asarray(values), name)


def save(tmp_path, nodes, inputs, outputs, initializers, name="model.onnx"):
    """A model of ``nodes``; ``inputs`` and ``outputs`` as (name, TensorProto type, shape)."""
    graph = helper.make_graph(
        nodes, "test", [helper.make_tensor_value_info(*value) for value in inputs],
        [helper.make_tensor_value_info(*value) for value in outputs],
        [tensor(key, value) for key, value in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = tmp_path / name
    onnx.save(model, path)
    return path


def reference(path, feeds, *, optimise=True):
    """onnxruntime's outputs, on one thread (its results do not depend on the thread count)."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    if not optimise:
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def ours(path, feeds, design):
    model = onnx_graph.Model(path)
    outputs, _, _ = onnx_graph.run(model, onnx_graph.check_inputs(model, feeds), design)
    return [outputs[name] for name in model.outputs]


def exact_for(path) -> Design:
    return Design(variant="exact", **onnx_graph.integer_fields(onnx_graph.Model(path)))


rng = np.random.default_rng(7)


def qlinear_matmul_model(tmp_path, weights, *, ties=False):
    """``ties``: scales of powers of two, so that many sums fall halfway between two outputs."""
    K, N = weights.shape
    initializers = {"xs": np.float32(0.25 if ties else 0.02), "xz": np.uint8(131), "w": weights,
                    "ws": np.full(N, 0.5, np.float32) if ties else
                    rng.uniform(0.001, 0.01, N).astype(np.float32),
                    "wz": np.zeros(N, np.int8), "ys": np.float32(16 if ties else 0.05),
                    "yz": np.uint8(120)}
    node = helper.make_node("QLinearMatMul", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"],
                            name="fc")
    return save(tmp_path, [node], [("x", TensorProto.UINT8, [None, K])],
                [("y", TensorProto.UINT8, [None, N])], initializers)


@pytest.mark.parametrize("ties", [False, True])
def test_qlinear_matmul_equals_onnxruntime_bit_for_bit(tmp_path, ties):
    path = qlinear_matmul_model(tmp_path, rng.integers(-64, 64, (48, 10)).astype(np.int8),
                                ties=ties)
    x = rng.integers(0, 256, (300, 48)).astype(np.uint8)
    expected, = reference(path, {"x": x})
    result, = ours(path, {"x": x}, exact_for(path))
    assert result.dtype == np.uint8 and (result == expected).all()
    # The outputs are spread, not saturated: the comparison covers the rounding.
    assert len(np.unique(expected)) > 50
    if ties:  # sums at odd multiples of 64 are halfway: rounded to even
        sums = (x.astype(np.int64) - 131) @ onnx_graph.Model(path).constants["w"].astype(np.int64)
        assert (sums % 128 == 64).sum() > 10
    # uint8 activations less 131 span -131 .. 124: a signed 9-bit design.
    assert onnx_graph.integer_fields(onnx_graph.Model(path)) == {"width": 9, "signed": True}


def qlinear_conv_model(tmp_path, *, group, strides, pads, dilations):
    w = rng.integers(-64, 64, (6, 4 // group, 3, 3)).astype(np.int8)
    initializers = {"xs": np.float32(0.03), "xz": np.uint8(100), "w": w,
                    "ws": rng.uniform(0.002, 0.01, 6).astype(np.float32),
                    "wz": np.zeros(6, np.int8), "ys": np.float32(0.07), "yz": np.uint8(90),
                    "b": rng.integers(-2000, 2000, 6).astype(np.int32)}
    node = helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"],
                            ["y"], name="conv", group=group, strides=strides, pads=pads,
                            dilations=dilations)
    return save(tmp_path, [node], [("x", TensorProto.UINT8, [None, 4, 9, 8])],
                [("y", TensorProto.UINT8, [None] * 4)], initializers)


@pytest.mark.parametrize("group, strides, pads, dilations", [
    (1, [1, 1], [1, 1, 1, 1], [1, 1]), (2, [2, 1], [0, 1, 2, 0], [1, 2])])
def test_qlinear_conv_equals_onnxruntime_bit_for_bit(tmp_path, group, strides, pads, dilations):
    path = qlinear_conv_model(tmp_path, group=group, strides=strides, pads=pads,
                              dilations=dilations)
    x = rng.integers(0, 256, (5, 4, 9, 8)).astype(np.uint8)
    expected, = reference(path, {"x": x})
    result, = ours(path, {"x": x}, exact_for(path))
    assert result.shape == expected.shape and (result == expected).all()
    assert len(np.unique(expected)) > 30


def test_integer_operators_equal_onnxruntime_bit_for_bit(tmp_path):
    initializers = {"w": rng.integers(-128, 128, (20, 7)).astype(np.int8), "xz": np.uint8(9),
                    "wz": np.int8(-3), "k": rng.integers(0, 256, (3, 2, 2, 2)).astype(np.uint8),
                    "kz": np.uint8(200)}
    nodes = [helper.make_node("MatMulInteger", ["x", "w", "xz", "wz"], ["y"], name="mm"),
             helper.make_node("ConvInteger", ["image", "k", "xz", "kz"], ["z"], name="conv",
                              strides=[2, 1], pads=[1, 0, 0, 1])]
    path = save(tmp_path, nodes, [("x", TensorProto.UINT8, [None, 20]),
                                  ("image", TensorProto.UINT8, [None, 2, 5, 6])],
                [("y", TensorProto.INT32, [None] * 2), ("z", TensorProto.INT32, [None] * 4)], initializers)
    feeds = {"x": rng.integers(0, 256, (11, 20)).astype(np.uint8),
             "image": rng.integers(0, 256, (11, 2, 5, 6)).astype(np.uint8)}
    expected = reference(path, feeds)
    result = ours(path, feeds, exact_for(path))
    for mine, theirs in zip(result, expected):
        assert mine.dtype == np.int32 and mine.shape == theirs.shape and (mine == theirs).all()
    # Independently: the sums of the products with the zero points subtracted.
    x = feeds["x"].astype(np.int64) - 9
    assert (result[0] == x @ (initializers["w"].astype(np.int64) + 3)).all()


def qdq_model(tmp_path):
    """Q -> DQ -> MatMul (DQ weights, per-column scales) -> Add -> Relu -> Q -> DQ: the QDQ
    format."""
    initializers = {"s": np.float32(0.01), "z": np.uint8(128),
                    "w": rng.integers(-64, 64, (16, 5)).astype(np.int8),
                    "ws": rng.uniform(0.005, 0.02, 5).astype(np.float32), "wz": np.zeros(5, np.int8),
                    "bias": rng.normal(0, 0.1, 5).astype(np.float32),
                    "hs": np.float32(0.004), "hz": np.uint8(0)}
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["xq"], name="q_in"),
             helper.make_node("DequantizeLinear", ["xq", "s", "z"], ["xd"], name="dq_in"),
             helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"], name="dq_w", axis=1),
             helper.make_node("MatMul", ["xd", "wd"], ["m"], name="fc"),
             helper.make_node("Add", ["m", "bias"], ["a"], name="add"),
             helper.make_node("Relu", ["a"], ["r"], name="relu"),
             helper.make_node("QuantizeLinear", ["r", "hs", "hz"], ["rq"], name="q_out"),
             helper.make_node("DequantizeLinear", ["rq", "hs", "hz"], ["y"], name="dq_out")]
    return save(tmp_path, nodes, [("x", TensorProto.FLOAT, [None, 16])],
                [("y", TensorProto.FLOAT, [None, 5])], initializers)


def test_qdq_matmul_is_an_integer_matmul_within_a_rounding_step_of_onnxruntime(tmp_path):
    path = qdq_model(tmp_path)
    x = rng.uniform(-1.2, 1.2, (400, 16)).astype(np.float32)
    result, = ours(path, {"x": x}, exact_for(path))
    # Independently: the quantised input, the integer sum, the scales, the requantisation.
    xq = np.clip(np.rint(x / np.float32(0.01)) + 128, 0, 255).astype(np.int64) - 128
    model = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    real = (xq @ init["w"].astype(np.int64)) * (0.01 * init["ws"].astype(np.float64))
    hidden = np.maximum(real.astype(np.float32) + init["bias"], 0)
    expected = np.clip(np.rint(hidden / np.float32(0.004)), 0, 255) * np.float32(0.004)
    assert (result == expected.astype(np.float32)).all()
    # onnxruntime sums float32 products (unfused) or fuses into an integer matmul with one
    # rescaling: either way at most one quantisation step from ours, and mostly none.
    for optimise in (True, False):
        theirs, = reference(path, {"x": x}, optimise=optimise)
        steps = np.abs(np.rint((theirs - result) / np.float32(0.004)))
        assert steps.max() <= 1 and (steps == 0).mean() > 0.99


def test_qdq_conv_and_gemm_within_a_rounding_step_of_onnxruntime(tmp_path):
    """Per-channel weight scales on Conv's output channels and on Gemm's transposed weights."""
    initializers = {"s": np.float32(0.02), "z": np.uint8(128),
                    "k": rng.integers(-64, 64, (3, 2, 3, 3)).astype(np.int8),
                    "ks": rng.uniform(0.01, 0.03, 3).astype(np.float32), "kz": np.zeros(3, np.int8),
                    "kb": rng.normal(0, 0.1, 3).astype(np.float32),
                    "hs": np.float32(0.01), "hz": np.uint8(0), "shape": np.array([0, -1], np.int64),
                    "g": rng.integers(-64, 64, (4, 3 * 4 * 4)).astype(np.int8),
                    "gs": rng.uniform(0.005, 0.01, 4).astype(np.float32), "gz": np.zeros(4, np.int8),
                    "gb": rng.normal(0, 0.1, 4).astype(np.float32), "ys": np.float32(0.02)}
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["xq"]),
             helper.make_node("DequantizeLinear", ["xq", "s", "z"], ["xd"]),
             helper.make_node("DequantizeLinear", ["k", "ks", "kz"], ["kd"], axis=0),
             helper.make_node("Conv", ["xd", "kd", "kb"], ["c"], name="conv", strides=[2, 2],
                              pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("Reshape", ["r", "shape"], ["f"]),
             helper.make_node("QuantizeLinear", ["f", "hs", "hz"], ["fq"]),
             helper.make_node("DequantizeLinear", ["fq", "hs", "hz"], ["fd"]),
             helper.make_node("DequantizeLinear", ["g", "gs", "gz"], ["gd"], axis=0),
             helper.make_node("Gemm", ["fd", "gd", "gb"], ["y"], name="gemm", transB=1),
             helper.make_node("QuantizeLinear", ["y", "ys", "z"], ["yq"])]
    path = save(tmp_path, nodes, [("x", TensorProto.FLOAT, [None, 2, 8, 8])],
                [("yq", TensorProto.UINT8, [None, 4])], initializers)
    assert {kind for _, kind in onnx_graph.Model(path).multiplications()} == {"integer"}
    x = rng.uniform(-2.5, 2.5, (200, 2, 8, 8)).astype(np.float32)
    result, = ours(path, {"x": x}, exact_for(path))
    for optimise in (True, False):
        theirs, = reference(path, {"x": x}, optimise=optimise)
        steps = np.abs(theirs.astype(np.int64) - result)
        assert steps.max() <= 1 and (steps == 0).mean() > 0.97 and len(np.unique(theirs)) > 50


def float_model(tmp_path):
    """Conv, BatchNormalization, Relu, MaxPool, AveragePool, Transpose, Reshape, Flatten, Concat,
    Gemm, MatMul, Add, Softmax."""
    initializers = {
        "k": rng.normal(0, 0.3, (4, 2, 3, 3)).astype(np.float32),
        "kb": rng.normal(0, 0.1, 4).astype(np.float32),
        "gamma": rng.uniform(0.5, 1.5, 4).astype(np.float32),
        "beta": rng.normal(0, 0.1, 4).astype(np.float32),
        "mean": rng.normal(0, 0.1, 4).astype(np.float32),
        "var": rng.uniform(0.5, 1.5, 4).astype(np.float32),
        "shape": np.array([0, -1], np.int64),
        "g": rng.normal(0, 0.2, (6, 36)).astype(np.float32),
        "gb": rng.normal(0, 0.1, 6).astype(np.float32),
        "m": rng.normal(0, 0.2, (6 + 36, 5)).astype(np.float32)}
    nodes = [
        helper.make_node("Conv", ["x", "k", "kb"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["n"],
                         name="bn", epsilon=1e-3),
        helper.make_node("Relu", ["n"], ["r"], name="relu"),
        helper.make_node("MaxPool", ["r"], ["p"], name="max", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("AveragePool", ["p"], ["v"], name="avg", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Transpose", ["v"], ["t"], name="nhwc", perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", ["t", "shape"], ["flat"], name="reshape"),
        helper.make_node("Gemm", ["flat", "g", "gb"], ["h"], name="gemm", transB=1, alpha=0.5),
        helper.make_node("Flatten", ["v"], ["f"], name="flatten"),
        helper.make_node("Concat", ["h", "f"], ["both"], name="concat", axis=1),
        helper.make_node("MatMul", ["both", "m"], ["logits"], name="fc"),
        helper.make_node("Softmax", ["logits"], ["y"], name="softmax")]
    return save(tmp_path, nodes, [("x", TensorProto.FLOAT, [None, 2, 6, 6])],
                [("logits", TensorProto.FLOAT, [None] * 2), ("y", TensorProto.FLOAT, [None] * 2)],
                initializers)


def test_float_model_with_exact_products_is_onnxruntimes_within_float32_sums(tmp_path):
    path = float_model(tmp_path)
    x = rng.normal(0, 1, (20, 2, 6, 6)).astype(np.float32)
    expected = reference(path, {"x": x})
    result = ours(path, {"x": x}, FloatDesign("fp32", "exact"))
    for mine, theirs in zip(result, expected):
        assert mine.dtype == np.float32 and mine.shape == theirs.shape
        # float32 sums of at most 42 terms of size about 1: a few 1e-7 relative.
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)
    # Mitchell's products move the logits well beyond that.
    mitchell = ours(path, {"x": x}, FloatDesign("fp32", "mitchell"))[0]
    assert np.abs(mitchell - expected[0]).max() > 1e-2


def test_a_one_dimensional_convolution_and_pools_match_onnxruntime(tmp_path):
    nodes = [helper.make_node("Conv", ["x", "k"], ["c"], name="conv", group=2, strides=[2],
                              auto_pad="SAME_UPPER"),
             helper.make_node("MaxPool", ["c"], ["m"], kernel_shape=[3], pads=[1, 1]),
             helper.make_node("AveragePool", ["m"], ["y"], kernel_shape=[2], pads=[0, 1],
                              count_include_pad=1)]
    path = save(tmp_path, nodes, [("x", TensorProto.FLOAT, [None, 4, 11])],
                [("y", TensorProto.FLOAT, [None] * 3)],
                {"k": rng.normal(0, 0.5, (6, 2, 3)).astype(np.float32)})
    x = rng.normal(0, 1, (3, 4, 11)).astype(np.float32)
    theirs, = reference(path, {"x": x})
    mine, = ours(path, {"x": x}, FloatDesign("fp32", "exact"))
    assert mine.shape == theirs.shape
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_integer_designs_against_a_loop_over_the_golden_model(tmp_path):
    """Every multiplier of the catalogue on a MatMulInteger (its int32 output is the sum of the
    products), full-range int8 weights, uint8 activations with a zero point."""
    w = rng.integers(-128, 128, (6, 4)).astype(np.int8)
    w.flat[0], w.flat[1] = -128, 127
    path = save(tmp_path, [helper.make_node("MatMulInteger", ["x", "w", "xz"], ["y"], name="mm")],
                [("x", TensorProto.UINT8, [None, 6])], [("y", TensorProto.INT32, [None] * 2)],
                {"w": w, "xz": np.uint8(40)})
    x = rng.integers(0, 256, (5, 6)).astype(np.uint8)
    x.flat[0], x.flat[1] = 0, 255
    a, b = x.astype(np.int64) - 40, w.astype(np.int64)
    for variant in MULTIPLIERS:
        design = Design(variant=variant, width=9, signed=True)
        result, = ours(path, {"x": x}, design)
        expected = [[sum(product(design, int(a[i, k]), int(b[k, j])) for k in range(6))
                     for j in range(4)] for i in range(5)]
        assert (result == np.array(expected)).all(), variant


def test_a_convolution_against_a_loop_over_the_golden_model(tmp_path):
    path = qlinear_conv_model(tmp_path, group=2, strides=[2, 1], pads=[0, 1, 2, 0],
                              dilations=[1, 2])
    model = onnx_graph.Model(path)
    x = rng.integers(0, 256, (2, 4, 9, 8)).astype(np.uint8)
    design = Design(variant="mitchell", width=9, signed=True)
    state = onnx_graph._Run(model, design)
    node = model.nodes[0]
    a = np.pad(x.astype(np.int64) - 100, [(0, 0), (0, 0), (0, 2), (1, 0)])
    w = model.constants["w"].astype(np.int64)
    got = state.convolve(node, x.astype(np.int64) - 100, w)
    out_h, out_w = (a.shape[2] - 3) // 2 + 1, (a.shape[3] - 5) // 1 + 1
    assert got.shape == (2, 6, out_h, out_w)
    for n in range(2):
        for f in range(6):
            g = f // 3
            for i in range(out_h):
                for j in range(out_w):
                    total = sum(product(design, int(a[n, 2 * g + c, 2 * i + u, j + 2 * v]),
                                        int(w[f, c, u, v]))
                                for c in range(2) for u in range(3) for v in range(3))
                    assert got[n, f, i, j] == total


@pytest.fixture(scope="module")
def digits_net():
    split = digits.load(0)
    net, _ = digits.train(split, np.multiply, epochs=3, seed=0)
    return split, net


def digits_models(tmp_path, net):
    """The digits MLP exported by hand: float32, and quantised with QLinearMatMul (7-bit weights,
    uint8 activations)."""
    float_path = save(
        tmp_path, [helper.make_node("MatMul", ["x", "w1"], ["z1"], name="fc1"),
                   helper.make_node("Add", ["z1", "b1"], ["a1"], name="bias1"),
                   helper.make_node("Relu", ["a1"], ["h"], name="relu"),
                   helper.make_node("MatMul", ["h", "w2"], ["z2"], name="fc2"),
                   helper.make_node("Add", ["z2", "b2"], ["logits"], name="bias2")],
        [("x", TensorProto.FLOAT, [None, 64])], [("logits", TensorProto.FLOAT, [None, 10])],
        {"w1": net.w1, "b1": net.b1, "w2": net.w2, "b2": net.b2}, name="digits.onnx")
    s1, s2 = (np.float32(np.abs(w).max() / 63) for w in (net.w1, net.w2))
    initializers = {
        "xs": np.float32(1 / 255), "z0": np.uint8(0), "zi": np.int8(0),
        "w1": np.rint(net.w1 / s1).astype(np.int8), "s1": s1,
        "w2": np.rint(net.w2 / s2).astype(np.int8), "s2": s2,
        "zs": np.float32(0.05), "zz": np.uint8(128), "hs": np.float32(0.03),
        "ls": np.float32(0.1), "lz": np.uint8(128), "b1": net.b1, "b2": net.b2}
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "z0"], ["xq"], name="quantise"),
             helper.make_node("QLinearMatMul", ["xq", "xs", "z0", "w1", "s1", "zi", "zs", "zz"],
                              ["z1"], name="fc1"),
             helper.make_node("DequantizeLinear", ["z1", "zs", "zz"], ["z1f"], name="dq1"),
             helper.make_node("Add", ["z1f", "b1"], ["a1"], name="bias1"),
             helper.make_node("Relu", ["a1"], ["h"], name="relu"),
             helper.make_node("QuantizeLinear", ["h", "hs", "z0"], ["hq"], name="quantise_h"),
             helper.make_node("QLinearMatMul", ["hq", "hs", "z0", "w2", "s2", "zi", "ls", "lz"],
                              ["z2"], name="fc2"),
             helper.make_node("DequantizeLinear", ["z2", "ls", "lz"], ["z2f"], name="dq2"),
             helper.make_node("Add", ["z2f", "b2"], ["logits"], name="bias2")]
    quantised_path = save(tmp_path, nodes, [("x", TensorProto.FLOAT, [None, 64])],
                          [("logits", TensorProto.FLOAT, [None, 10])], initializers,
                          name="digits-int8.onnx")
    return float_path, quantised_path


def test_the_digits_network_in_onnx(tmp_path, digits_net):
    split, net = digits_net
    float_path, quantised_path = digits_models(tmp_path, net)
    feeds = {"x": split.test_x}
    theirs, = reference(float_path, feeds)
    mine, = ours(float_path, feeds, FloatDesign("fp32", "exact"))
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)
    # The integer operators are bit for bit, and so is the float tail (DequantizeLinear, Add).
    theirs, = reference(quantised_path, feeds)
    mine, = ours(quantised_path, feeds, exact_for(quantised_path))
    assert (mine == theirs).all()
    model = onnx_graph.Model(quantised_path)
    exact = exact_for(quantised_path)
    # uint8 activations (0 .. 255) by 7-bit weights: a sign and 8-bit magnitudes.
    assert (exact.width, exact.signed) == (9, True)
    mitchell = Design(variant="mitchell", width=9, signed=True)
    result = onnx_graph.evaluate(model, onnx_graph.check_inputs(model, feeds.copy()), [mitchell],
                                 labels=split.test_y, batch=100)
    rows = {row["variant"]: row for row in result["rows"]}
    expected_accuracy = float((theirs.argmax(axis=1) == split.test_y).mean())
    assert rows["exact"]["accuracy"] == expected_accuracy > 0.85
    assert rows["exact"]["agreement"] == 1 and rows["exact"]["logit_error"] == 0
    assert rows["mitchell"]["agreement"] < 1 and rows["mitchell"]["logit_error"] > 0
    assert result["samples"] == len(split.test_y) and result["macs_per_sample"] == 64 * 64 + 64 * 10
    assert rows["mitchell"]["macs"] == len(split.test_y) * (64 * 64 + 64 * 10)


def test_a_dynamically_quantised_digits_network_equals_onnxruntime(tmp_path, digits_net):
    """onnxruntime's quantize_dynamic: DynamicQuantizeLinear, MatMulInteger, Cast, Mul (7-bit
    weights, where its kernels are exact)."""
    from onnxruntime.quantization import quantize_dynamic

    split, net = digits_net
    float_path, _ = digits_models(tmp_path, net)
    path = tmp_path / "dynamic.onnx"
    quantize_dynamic(str(float_path), str(path), reduce_range=True)
    kinds = {node.op_type for node in onnx.load(path).graph.node}
    assert {"DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul"} <= kinds
    # One batch: the dynamic scale is the batch's range.
    feeds = {"x": split.test_x}
    mine, = ours(path, feeds, exact_for(path))
    theirs, = reference(path, feeds, optimise=False)
    assert (mine == theirs).all()
    fused, = reference(path, feeds)  # one fused operator: its float32 scalings in another order
    np.testing.assert_allclose(mine, fused, rtol=1e-6, atol=1e-6)


def test_onnxruntimes_static_quantisation_in_qdq_format(tmp_path, digits_net):
    """A model of onnxruntime's quantize_static (QDQ, per-channel 7-bit weights): onnxruntime
    fuses DequantizeLinear -> MatMul -> QuantizeLinear into one integer operator with one
    rescaling, where we rescale the sum, then requantise: a rounding step apart, rarely."""
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)

    split, net = digits_net
    float_path, _ = digits_models(tmp_path, net)

    class Calibration(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"x": split.train_x[i:i + 64]} for i in range(0, 512, 64)])

        def get_next(self):
            return next(self.batches, None)

    path = tmp_path / "static.onnx"
    quantize_static(str(float_path), str(path), Calibration(), quant_format=QuantFormat.QDQ,
                    per_channel=True, reduce_range=True, activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8)
    model = onnx_graph.Model(path)
    assert {kind for _, kind in model.multiplications()} == {"integer"}
    feeds = {"x": split.test_x}
    mine, = ours(path, feeds, exact_for(path))
    theirs, = reference(path, feeds)
    assert (mine == theirs).mean() > 0.95
    assert (mine.argmax(axis=1) == theirs.argmax(axis=1)).mean() > 0.99


def test_logit_error_and_agreement_from_their_definitions(tmp_path):
    # y = x @ w with one input column: logits are multiples of the input.
    path = save(tmp_path, [helper.make_node("MatMulInteger", ["x", "w"], ["y"], name="mm")],
                [("x", TensorProto.INT8, [None, 1])], [("y", TensorProto.INT32, [None] * 2)],
                {"w": np.array([[3, 5]], np.int8)})
    model = onnx_graph.Model(path)
    x = np.array([[1], [7], [-2]], np.int8)
    mitchell = Design(variant="mitchell", width=8, signed=True)
    result = onnx_graph.evaluate(model, onnx_graph.check_inputs(model, x), [mitchell],
                                 labels=np.array([1, 0, 0]))
    row = result["rows"][1]
    approximate = np.array([[product(mitchell, v, 3), product(mitchell, v, 5)] for v in (1, 7, -2)])
    exact = np.array([[3, 5], [21, 35], [-6, -10]])
    assert row["logit_error"] == pytest.approx(np.mean(
        np.abs(approximate - exact).sum(axis=1) / np.abs(exact).sum(axis=1)))
    assert row["agreement"] == np.mean(approximate.argmax(axis=1) == exact.argmax(axis=1))
    assert result["rows"][0]["accuracy"] == pytest.approx(2 / 3)  # argmax 1, 1, 0


def test_bad_models_and_inputs_are_one_line_errors(tmp_path):
    text = tmp_path / "notes.onnx"
    text.write_text("not a model\n")
    with pytest.raises(ValueError, match=r"notes.onnx is not an ONNX model"):
        onnx_graph.Model(text)
    with pytest.raises(ValueError, match=r"no such file"):
        onnx_graph.Model(tmp_path / "missing.onnx")
    sigmoid = save(tmp_path, [helper.make_node("Sigmoid", ["x"], ["y"], name="squash")],
                   [("x", TensorProto.FLOAT, [None, 3])], [("y", TensorProto.FLOAT, [None] * 2)], {},
                   name="sigmoid.onnx")
    with pytest.raises(ValueError, match=r"^Node 'squash' is a Sigmoid, which mitchell does not"):
        onnx_graph.Model(sigmoid)
    path = float_model(tmp_path)
    model = onnx_graph.Model(path)
    with pytest.raises(ValueError, match=r"Input 'x' must be \(N, 2, 6, 6\) with N samples, "
                                         r"not \(3, 72\)"):
        onnx_graph.check_inputs(model, np.zeros((3, 72)))
    with pytest.raises(ValueError, match=r"Conv 'conv' multiplies float tensors: it takes a float "
                                         r"design"):
        onnx_graph.check_design(model, Design(variant="mitchell", width=8))
    integer = qlinear_matmul_model(tmp_path, rng.integers(-64, 64, (4, 3)).astype(np.int8))
    with pytest.raises(ValueError, match=r"QLinearMatMul 'fc' has operands in -131 .. 124 .*"
                                         r"needs a signed 9-bit design"):
        onnx_graph.check_design(onnx_graph.Model(integer), Design(variant="mitchell", width=8,
                                                                  signed=True))
    with pytest.raises(ValueError, match=r"QLinearMatMul 'fc' multiplies integers"):
        onnx_graph.check_design(onnx_graph.Model(integer), FloatDesign("bf16"))
    pool = save(tmp_path, [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2],
                                            ceil_mode=1)],
                [("x", TensorProto.FLOAT, [None, 1, 5])], [("y", TensorProto.FLOAT, [None] * 3)],
                {}, name="pool.onnx")
    with pytest.raises(ValueError, match=r"^MaxPool 'pool': ceil_mode=1: mitchell runs ceil_mode=0$"):
        ours(pool, {"x": np.zeros((1, 1, 5), np.float32)}, FloatDesign("fp32"))
    with pytest.raises(ValueError, match=r"no such file"):
        onnx_graph.read_array_file(tmp_path / "labels.npy", what="Labels")
    with pytest.raises(ValueError, match=r"Labels must be 3 integers"):
        onnx_graph.check_labels(np.zeros(4, np.int64), 3)


@pytest.fixture
def digits_files(tmp_path, digits_net):
    """The quantised digits network and its test set as files."""
    split, net = digits_net
    _, quantised_path = digits_models(tmp_path, net)
    np.save(tmp_path / "x.npy", split.test_x)
    np.save(tmp_path / "y.npy", split.test_y)
    return quantised_path, tmp_path / "x.npy", tmp_path / "y.npy"


def test_apply_onnx_prints_a_table_and_json(cli, digits_files, digits_net):
    model, x, y = digits_files
    split, _ = digits_net
    status = cli("apply", "--onnx", model, "--inputs", x, "--labels", y, "--variant", "mitchell",
                 "--json")
    assert status.status == 0, status.stderr
    result = json.loads(status.stdout)
    path_model = onnx_graph.Model(model)
    expected = onnx_graph.evaluate(path_model, onnx_graph.check_inputs(path_model, np.load(x)),
                                   [Design(variant="mitchell", width=9, signed=True)],
                                   labels=split.test_y)
    assert result == json.loads(json.dumps(expected))
    assert [row["design"] for row in result["rows"]] == ["exact(width=9, stages=0, signed)",
                                                        "mitchell(width=9, frac_bits=8, stages=0, signed)"]
    status = cli("apply", "--onnx", model, "--inputs", x, "--variant", "mitchell", "--width", "12")
    assert status.status == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[1].split()[:2] == ["design", "accuracy"] and "width=12" in lines[3]
    assert re.search(r"signed\)\s+-\s+\d", lines[3])  # no labels: no accuracy


def test_apply_onnx_on_a_float_model_takes_float_designs(cli, tmp_path, digits_net):
    split, net = digits_net
    float_path, _ = digits_models(tmp_path, net)
    np.save(tmp_path / "x.npy", split.test_x[:50])
    status = cli("apply", "--onnx", float_path, "--inputs", "x.npy", "--format", "bf16", "--json")
    assert status.status == 0, status.stderr
    designs = [row["design"] for row in json.loads(status.stdout)["rows"]]
    assert designs == ["exact(format=bf16, stages=0)", "mitchell(format=bf16, stages=0)",
                       "lmul(format=bf16, stages=0)"]
    # Without --format, fp32; the float model's MatMul refuses an integer width.
    status = cli("apply", "--onnx", float_path, "--inputs", "x.npy", "--variant", "mitchell",
                 "--logits", "logits", "--json")
    assert status.status == 0, status.stderr
    assert json.loads(status.stdout)["rows"][1]["design"] == "mitchell(format=fp32, stages=0)"
    status = cli("apply", "--onnx", float_path, "--inputs", "x.npy", "--logits", "probabilities")
    assert status.status == 2 and "Logits must be one of the model's outputs (logits)" in status.stderr
    status = cli("apply", "--onnx", float_path, "--inputs", "x.npy", "--width", "8")
    assert status.status == 2 and "--width applies to integer designs" in status.stderr


@pytest.mark.parametrize("case, message", [
    ("not-onnx", r"notes\.onnx is not an ONNX model"),
    ("shape", r"Input 'x' must be \(N, 64\) with N samples, not \(359, 8, 8\)"),
    ("labels", r"Labels must be a \.npy or \.npz file, not 'missing\.npy' \(no such file\)"),
    ("unsupported", r"Node 'squash' is a Sigmoid"),
    ("narrow", r"QLinearMatMul 'fc1' has operands in -63 \.\. 255 .* needs a signed 9-bit design"),
    ("no-inputs", r"an ONNX model needs --inputs"),
    ("both", r"--task and --onnx"),
])
def test_apply_onnx_bad_input_is_one_line(cli, tmp_path, digits_files, case, message):
    model, x, y = digits_files
    (tmp_path / "notes.onnx").write_text("not a model\n")
    np.save(tmp_path / "images.npy", np.load(x).reshape(-1, 8, 8))
    sigmoid = save(tmp_path, [helper.make_node("Sigmoid", ["x"], ["y"], name="squash")],
                   [("x", TensorProto.FLOAT, [None, 64])], [("y", TensorProto.FLOAT, [None, 64])],
                   {}, name="sigmoid.onnx")
    arguments = {
        "not-onnx": ["--onnx", "notes.onnx", "--inputs", x],
        "shape": ["--onnx", model, "--inputs", "images.npy"],
        "labels": ["--onnx", model, "--inputs", x, "--labels", "missing.npy"],
        "unsupported": ["--onnx", sigmoid, "--inputs", x],
        "narrow": ["--onnx", model, "--inputs", x, "--width", "8", "--signed"],
        "no-inputs": ["--onnx", model],
        "both": ["--onnx", model, "--inputs", x, "--task", "image"],
    }[case]
    before = sorted(tmp_path.iterdir())
    status = cli("apply", *arguments)
    assert status.status == 2 and status.stdout == ""
    assert len(status.stderr.splitlines()) == 1 and re.search(message, status.stderr), status.stderr
    assert sorted(tmp_path.iterdir()) == before


def test_report_app_onnx(cli, tmp_path, digits_files):
    model, x, y = digits_files
    status = cli("report", "--width", "8", "--variant", "mitchell", "--no-area",
                 "--app", f"onnx:{model}", "--inputs", x, "--labels", y, "--out", "rep")
    assert status.status == 0, status.stderr
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    onnx_result = report["application"]["onnx"]
    assert [row["variant"] for row in onnx_result["rows"]] == ["exact", "mitchell"]
    assert "digits_infer" not in report["application"]
    text = (tmp_path / "rep" / "report.md").read_text()
    assert "## Application: ONNX model" in text and "digits-int8.onnx" in text
    status = cli("report", "--width", "8", "--no-area", "--app", "onnx:notes.onnx", "--inputs", x,
                 "--out", "rep2")
    assert status.status == 2 and not (tmp_path / "rep2").exists()


def test_report_app_takes_the_built_in_workloads_and_a_model():
    from mitchell.reports.cli import parser
    from mitchell.reports.cli.report import BUILT_IN

    args = parser("report").parse_args(["report", "--app", "--app", "onnx:m.onnx", "--out", "r"])
    assert args.app == [BUILT_IN, "onnx:m.onnx"]
    with pytest.raises(SystemExit) as exit:
        parser("report").parse_args(["report", "--app", "digits", "--out", "r"])
    assert exit.value.code == 2

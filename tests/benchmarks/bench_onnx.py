"""Speed of mitchell.reports.apps.onnx_graph on int8 models: approximate multiply-accumulates per
second through the whole graph, against onnxruntime's time for the same model.

Run: python tests/benchmarks/bench_onnx.py [--samples 1024] [--repeat 3]
Two quantised models built here with onnx.helper (uint8 activations, int8 weights, so a signed
9-bit design): an MLP 784-512-256-10 of QLinearMatMul, and a CNN of QLinearConv 1->16->32 (3x3,
28x28) and a QLinearMatMul head. Prints medians, in batches of onnx_graph.DEFAULT_BATCH.
"""
import argparse
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from mitchell.reports.apps import onnx_graph
from mitchell.sim.design import Design

from bench_apply import median_seconds  # beside this script, which runs from its folder


def quantised(rng, name, shape, channels):
    """Initialisers of an int8 weight ``name`` with per-channel scales and zero points."""
    return {name: rng.integers(-64, 64, shape).astype(np.int8),
            f"{name}_s": rng.uniform(0.002, 0.01, channels).astype(np.float32),
            f"{name}_z": np.zeros(channels, np.int8)}


def build(layers, input_shape, output_shape, initializers, path: Path) -> Path:
    graph = helper.make_graph(
        layers, "bench", [helper.make_tensor_value_info("x", TensorProto.UINT8, input_shape)],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, output_shape)],
        [numpy_helper.from_array(np.asarray(value), key) for key, value in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


def mlp(rng, folder: Path) -> Path:
    sizes = [784, 512, 256, 10]
    initializers = {"s": np.float32(0.05), "z": np.uint8(128)}
    layers, previous = [], "x"
    for i, (k, n) in enumerate(zip(sizes, sizes[1:])):
        initializers.update(quantised(rng, f"w{i}", (k, n), n))
        output = "y" if i == len(sizes) - 2 else f"h{i}"
        layers.append(helper.make_node("QLinearMatMul", [previous, "s", "z", f"w{i}", f"w{i}_s",
                                                         f"w{i}_z", "s", "z"], [output]))
        previous = output
    return build(layers, [None, 784], [None, 10], initializers, folder / "mlp.onnx")


def cnn(rng, folder: Path) -> Path:
    initializers = {"s": np.float32(0.05), "z": np.uint8(128), "shape": np.array([0, -1], np.int64)}
    initializers.update(quantised(rng, "c1", (16, 1, 3, 3), 16))
    initializers.update(quantised(rng, "c2", (32, 16, 3, 3), 32))
    initializers.update(quantised(rng, "fc", (32 * 7 * 7, 10), 10))
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    layers = [
        helper.make_node("QLinearConv", ["x", "s", "z", "c1", "c1_s", "c1_z", "s", "z"], ["a"],
                         **conv),
        helper.make_node("MaxPool", ["a"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("QLinearConv", ["p", "s", "z", "c2", "c2_s", "c2_z", "s", "z"], ["b"],
                         **conv),
        helper.make_node("MaxPool", ["b"], ["q"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Reshape", ["q", "shape"], ["f"]),
        helper.make_node("QLinearMatMul", ["f", "s", "z", "fc", "fc_s", "fc_z", "s", "z"], ["y"])]
    return build(layers, [None, 1, 28, 28], [None, 10], initializers, folder / "cnn.onnx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as folder:
        for path, shape in ((mlp(rng, Path(folder)), (784,)),
                            (cnn(rng, Path(folder)), (1, 28, 28))):
            model = onnx_graph.Model(path)
            x = rng.integers(0, 256, (args.samples, *shape)).astype(np.uint8)
            fields = onnx_graph.integer_fields(model)
            print(f"{path.name}: {args.samples} samples, designs of {fields['width']} bits, "
                  f"signed")
            for variant in ("exact", "mitchell", "mbm"):
                design = Design(variant=variant, **fields)

                def batches():
                    macs = 0
                    for start in range(0, args.samples, onnx_graph.DEFAULT_BATCH):
                        macs += onnx_graph.run(model, {"x": x[start:start + onnx_graph.DEFAULT_BATCH]},
                                               design)[2]
                    return macs

                macs = batches()  # builds the product table
                seconds = median_seconds(batches, args.repeat)
                print(f"  {design.label:<50} {macs / seconds / 1e6:8.1f} M MAC/s  "
                      f"({seconds:.2f} s)")
            try:
                import onnxruntime
            except ImportError:
                continue
            session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            seconds = median_seconds(lambda: session.run(None, {"x": x}), args.repeat)
            print(f"  {'onnxruntime (its own int8 kernels)':<50} {macs / seconds / 1e6:8.1f} M MAC/s")


if __name__ == "__main__":
    main()

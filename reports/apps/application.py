"""What the error does to real work: the digits MLP and the image filters of
:mod:`mitchell.sim.apply`, as tables for ``mitchell apply`` and as the Application section of
``mitchell report --app``."""
import time
from pathlib import Path

import numpy as np

from . import digits
from . import images
from ...sim.apply import mitchell_fp32_product
from ...rtl.params import check_int
from ...sim.design import Design
from ...sim.float_design import FloatDesign

TASKS = ("digits-infer", "digits-train", "image")
INFER_MAX_WIDTH = 16
MAX_EPOCHS = 100
TRAINING_PRODUCT = "Mitchell's fp32 bit-pattern product (mitchell.sim.apply.mitchell_fp32_product)"


def check_epochs(epochs) -> int:
    return check_int(epochs, name="Epochs", minimum=1, maximum=MAX_EPOCHS)


def check_infer_width(width: int) -> None:
    if not 2 <= width <= INFER_MAX_WIDTH:
        raise ValueError(f"digits-infer quantises to signed operands of 2 to {INFER_MAX_WIDTH} "
                         f"bits; --width must be in that range, not {width}")


def digits_train(*, epochs: int, seed: int) -> tuple[dict, digits.Network]:
    """Test accuracy per epoch with exact fp32 products and with Mitchell's; the exact network."""
    split = digits.load(seed)
    started = time.perf_counter()
    exact_net, exact = digits.train(split, np.multiply, epochs=epochs, seed=seed)
    middle = time.perf_counter()
    _, mitchell = digits.train(split, mitchell_fp32_product, epochs=epochs, seed=seed)
    seconds = (middle - started, time.perf_counter() - middle)
    return {"seed": seed, "epochs": epochs, "batch": digits.BATCH,
            "learning_rate": digits.LEARNING_RATE, "train_images": len(split.train_y),
            "test_images": len(split.test_y), "product": TRAINING_PRODUCT,
            "exact": exact, "mitchell": mitchell, "seconds": seconds}, exact_net


def digits_infer(designs: list[Design] | list[FloatDesign], *, width: int | None, epochs: int,
                 seed: int, net: digits.Network | None = None) -> dict:
    """Test accuracy of the exactly trained network per design: quantised to ``width`` bits for
    integer designs, with the operands rounded into the format for floating-point designs (of
    one format, ``width`` None)."""
    floating = all(isinstance(design, FloatDesign) for design in designs)
    if floating:
        if width is not None or len({design.format for design in designs}) != 1:
            raise ValueError("Floating-point designs run the network in their one format, "
                             "without a quantisation width")
    else:
        check_infer_width(width)
    split = digits.load(seed)
    if net is None:
        net, _ = digits.train(split, np.multiply, epochs=epochs, seed=seed)
    result = digits.infer_float(split, net, designs) if floating else \
        digits.infer(split, net, designs, width=width)
    result.update(seed=seed, epochs=epochs)
    return result


def _percent(value: float) -> str:
    return f"{100 * value:.2f} %"


def _decibels(value: float | None) -> str:
    return "inf (identical)" if value is None else f"{value:.2f} dB"


def infer_lines(result: dict) -> list[list[str]]:
    rows = [["float32 (not quantised)", _percent(result["float_accuracy"])]]
    return rows + [[row["design"], _percent(row["accuracy"])] for row in result["rows"]]


def train_lines(result: dict) -> list[list[str]]:
    return [[str(epoch), _percent(exact), _percent(mitchell)] for epoch, (exact, mitchell)
            in enumerate(zip(result["exact"], result["mitchell"]), 1)]


def image_lines(result: dict) -> list[list[str]]:
    return [[row["design"]] + [value for name in images.FILTERS for value in
                               (_decibels(row[name]["psnr"]), f"{row[name]['ssim']:.4f}")]
            for row in result["rows"]]


INFER_HEADER = ["design", "test accuracy"]
TRAIN_HEADER = ["epoch", "exact fp32", "Mitchell fp32"]
IMAGE_HEADER = ["design", "blur PSNR", "blur SSIM", "Sobel PSNR", "Sobel SSIM"]


def describe_infer(result: dict) -> str:
    network = (f"weights and activations rounded into {result['format']}; every product is "
               f"the design's (float64 sums)" if "format" in result else
               f"weights and activations quantised to signed {result['width']}-bit; every "
               f"product of the quantised network is the design's (int64 sums)")
    return (f"digits MLP 64-64-10, seed {result['seed']} (split, initial weights, batches), "
            f"trained {result['epochs']} epochs with exact fp32 products, then {network}; "
            f"{result['test_images']} test images")


def describe_train(result: dict) -> str:
    return (f"digits MLP 64-64-10, seed {result['seed']}, {result['epochs']} epochs of SGD "
            f"(batch {result['batch']}, learning rate {result['learning_rate']}) on "
            f"{result['train_images']} images; test accuracy on {result['test_images']} after "
            f"each epoch. Every product of the forward and backward passes and of the weight "
            f"update is exact fp32, or {result['product']}; sums in float64")


def describe_image(result: dict) -> str:
    height, width = result["shape"]
    return (f"china.jpg (scikit-learn), grey, {width}x{height}, 8-bit: 3x3 Gaussian blur "
            f"(weights 19, 32, 52 of 256) and Sobel magnitude, every filter product the "
            f"design's; PSNR and SSIM (scikit-image) against the exact filters")


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(line[i])) for line in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(f"{cell:<{w}}" if i == 0 else f"{cell:>{w}}"
                               for i, (cell, w) in enumerate(zip(line, widths)))
                     for line in [header, *rows])


def markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + \
        ["| " + " | ".join(row) + " |" for row in rows]


def training_plot(result: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = range(1, result["epochs"] + 1)
    figure, axis = plt.subplots(figsize=(5.5, 3.5))
    axis.plot(epochs, [100 * v for v in result["exact"]], "o-", label="exact fp32")
    axis.plot(epochs, [100 * v for v in result["mitchell"]], "s--", label="Mitchell fp32")
    axis.set_xlabel("epoch")
    axis.set_ylabel("test accuracy, %")
    axis.set_title(f"digits MLP 64-64-10, seed {result['seed']}")
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    for suffix in (".png", ".svg"):
        figure.savefig(path.with_suffix(suffix), dpi=110)
    plt.close(figure)


def collect(infer_designs: list[Design], image_designs: list[Design], *, seed: int,
            epochs: int) -> tuple[dict, dict]:
    """Every application result (the network at 8 bits), and the output images of the filters."""
    train, net = digits_train(epochs=epochs, seed=seed)
    train.pop("seconds")  # the report's JSON holds results only, the same from run to run
    infer = digits_infer(infer_designs, width=8, epochs=epochs, seed=seed, net=net)
    image, outputs = images.run(image_designs)
    return {"digits_infer": infer, "digits_train": train, "image": image}, outputs


def write_pictures(application: dict, outputs: dict, folder: Path) -> None:
    """The built-in workloads' pictures (an ONNX model's section has none)."""
    if "digits_train" in application:
        training_plot(application["digits_train"], folder / "training.png")
        images.strip(outputs, folder / "filters.png")


def markdown_section(application: dict) -> list[str]:
    """The built-in workloads' section and the user's ONNX model's (``"onnx"``, the result of
    :func:`.onnx_graph.evaluate`), each where present."""
    lines = []
    if "onnx" in application:
        from . import onnx_graph

        result = application["onnx"]
        lines += ["", "## Application: ONNX model", "", f"{onnx_graph.describe(result)}.", "",
                  *markdown_table(onnx_graph.HEADER, onnx_graph.lines(result))]
    if "digits_infer" not in application:
        return lines
    infer, train, image = (application[key] for key in ("digits_infer", "digits_train", "image"))
    return lines + ["", "## Application", "",
            f"Quantised inference: {describe_infer(infer)}.", "",
            *markdown_table(INFER_HEADER, infer_lines(infer)), "",
            f"Training without multiplications: {describe_train(train)}.", "",
            *markdown_table(TRAIN_HEADER, train_lines(train)), "", "![training.png](training.png)",
            "", f"Images: {describe_image(image)}. Mitchell's product is exact when an operand is "
                f"a power of two, as Sobel's weights are.", "",
            *markdown_table(IMAGE_HEADER, image_lines(image)), "", "![filters.png](filters.png)"]

"""3x3 Gaussian blur and Sobel edges on scikit-learn's bundled ``china.jpg``, grey, 8-bit, with
every product of the filters through a design; PSNR and SSIM against the exact filter.

- Grey: ITU-R BT.601 luma ``0.299 R + 0.587 G + 0.114 B``, rounded to 8 bits (427 x 640).
- Borders: the edge pixels repeated, so every output pixel has its nine neighbours.
- Blur: the Gaussian of sigma 1 in integer weights summing to 256 (``[[19, 32, 19], [32, 52, 32],
  [19, 32, 19]]``); output ``floor((sum + 128) / 256)``. Pixels and weights are unsigned 8-bit
  operands; a floating-point design rounds them into its format and sums in float64.
- Sobel: ``gx`` with ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]``, ``gy`` its transpose; the output is
  ``sqrt(gx**2 + gy**2) / 4`` rounded and clipped to 0..255, computed exactly (only the filter
  products are the design's). An unsigned design takes the positive and the negative weights as
  two filters of magnitudes and subtracts their sums, as an unsigned multiplier would.
- PSNR: ``10 log10(255**2 / MSE)`` (infinite for identical images); SSIM: scikit-image's
  ``structural_similarity`` with ``data_range=255`` (7x7 uniform window, its defaults).

Mitchell's product is exact when an operand is a power of two, and Sobel's weights are 1 and 2:
Mitchell's Sobel image is the exact one. Designs that change the operands (Mitch-w, MBM, ALM-SOA,
nearest-one's rounding of the pixel) are not exact there.
"""
import numpy as np

from ...sim.design import Design
from ...sim.apply import conv2d, float_values, operand_range
from ...sim.float_design import FloatDesign

GAUSSIAN = np.array([[19, 32, 19], [32, 52, 32], [19, 32, 19]])
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
FILTERS = ("blur", "sobel")


def grey_image() -> np.ndarray:
    from sklearn.datasets import load_sample_image

    rgb = load_sample_image("china.jpg").astype(np.float64)
    return np.clip(np.round(rgb @ [0.299, 0.587, 0.114]), 0, 255).astype(np.int64)


def check_design(design) -> None:
    """Pixels run to 255: the design must take them as operands; a floating-point design rounds
    its products into its format, whose largest finite value must reach the largest product
    (a pixel by the largest weight)."""
    if isinstance(design, FloatDesign):
        largest = 255 * max(int(np.abs(kernel).max()) for kernel in (GAUSSIAN, SOBEL_X))
        reach = float_values(design.fmt.max_finite, design.fmt)
        if reach < largest:
            raise ValueError(f"The image task's products reach {largest:,} (255 by the largest "
                             f"weight): format {design.format} stops at {reach:g}")
    elif design is not None and operand_range(design)[1] < 255:
        raise ValueError(f"The image task needs operands up to 255 (8-bit pixels): an unsigned "
                         f"design of at least 8 bits or a signed one of at least 9, not "
                         f"{design.label}")


def _filter(image: np.ndarray, kernel: np.ndarray, design: Design | None) -> np.ndarray:
    """The 3x3 filter sum at every pixel (edges repeated), products under ``design`` (exact
    integer products for ``None``)."""
    padded = np.pad(image, 1, mode="edge")
    if design is None:
        windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3))
        return np.einsum("ijkl,kl->ij", windows, kernel)
    if design.signed:
        return conv2d(padded, kernel, design)
    return conv2d(padded, np.maximum(kernel, 0), design) - \
        conv2d(padded, np.maximum(-kernel, 0), design)


def apply_filter(image: np.ndarray, name: str, design: Design | None) -> np.ndarray:
    """The 8-bit output of filter ``name`` (``blur`` or ``sobel``) on ``image``."""
    if name == "blur":
        # // 256 is >> 8 on integer sums, and floors a floating-point design's float64 sums.
        return np.clip((_filter(image, GAUSSIAN, design) + 128) // 256, 0, 255).astype(np.uint8)
    gx = _filter(image, SOBEL_X, design).astype(np.float64)
    gy = _filter(image, SOBEL_X.T, design).astype(np.float64)
    return np.clip(np.round(np.hypot(gx, gy) / 4), 0, 255).astype(np.uint8)


def psnr(reference: np.ndarray, image: np.ndarray) -> float:
    """Peak signal-to-noise ratio of 8-bit images in dB; ``inf`` when they are identical."""
    mse = np.mean((reference.astype(np.float64) - image.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def ssim(reference: np.ndarray, image: np.ndarray) -> float:
    from skimage.metrics import structural_similarity

    return float(structural_similarity(reference, image, data_range=255))


def run(designs: list[Design]) -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    """PSNR (None where identical) and SSIM of each design's filters against the exact ones,
    and every output image
    (``images[filter]["exact"]`` and ``images[filter][label]``)."""
    for design in designs:
        check_design(design)
    image = grey_image()
    images = {name: {"exact": apply_filter(image, name, None)} for name in FILTERS}
    rows = []
    for design in designs:
        row = {"design": design.label, "variant": design.variant}
        for name in FILTERS:
            out = images[name][design.label] = apply_filter(image, name, design)
            identical = bool((out == images[name]["exact"]).all())
            # JSON has no infinity: identical images, whose PSNR is infinite, get None.
            row[name] = {"psnr": None if identical else psnr(images[name]["exact"], out),
                         "ssim": ssim(images[name]["exact"], out), "identical": identical}
        rows.append(row)
    return {"shape": list(image.shape), "rows": rows}, images


def strip(images: dict[str, dict[str, np.ndarray]], path) -> None:
    """The output images side by side, one row per filter, the exact one first, as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(images[FILTERS[0]])
    figure, axes = plt.subplots(len(FILTERS), len(labels), squeeze=False,
                                figsize=(2.6 * len(labels), 2.0 * len(FILTERS)))
    for row, name in enumerate(FILTERS):
        for column, label in enumerate(labels):
            axis = axes[row][column]
            axis.imshow(images[name][label], cmap="gray", vmin=0, vmax=255)
            axis.set_xticks([]), axis.set_yticks([])
            axis.set_title(f"{name}: {label.split('(')[0]}", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110, format="png")
    plt.close(figure)

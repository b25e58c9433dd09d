"""A 64-64-10 MLP on scikit-learn's bundled ``digits`` (1,797 8x8 images; nothing downloaded):
quantised inference with the integer designs, and training with Mitchell's fp32 product.

- :func:`train`: minibatch SGD from a fixed seed where every product of the forward and the
  backward pass, and of the weight update, goes through a product function (``numpy.multiply``
  for exact fp32, :func:`~mitchell.sim.apply.mitchell_fp32_product` for Mitchell's);
  matmuls through :func:`mitchell.sim.apply.matmul` (float64 sums). What is not a product stays
  exact: additions, ReLU (a select), softmax (exponentials and one division per sample).
- :func:`infer`: the exactly trained network quantised to signed ``width``-bit weights and
  activations (symmetric, one scale per tensor, activations calibrated on the training set),
  run with each design's products through :func:`mitchell.sim.apply.matmul` (int64 sums); biases
  and requantisation between the layers are exact.
- :func:`infer_float`: the same network with each floating-point design's products instead:
  weights and activations rounded into the design's format (nothing else quantised), sums in
  float64 (:func:`mitchell.sim.apply.float_product`).
"""
from dataclasses import dataclass

import numpy as np

from ...sim.design import Design
from ...sim.float_design import FloatDesign
from ...sim.apply import matmul, multiply

HIDDEN = 64
CLASSES = 10
DEFAULT_SEED = 0
DEFAULT_EPOCHS = 10
BATCH = 32
LEARNING_RATE = 0.1
TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Split:
    """The digits set split by a seeded permutation: inputs scaled to 0..1, labels 0..9."""

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


def load(seed: int = DEFAULT_SEED) -> Split:
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = len(x) - int(round(TEST_FRACTION * len(x)))
    train, test = order[:cut], order[cut:]
    return Split(x[train], digits.target[train], x[test], digits.target[test])


@dataclass
class Network:
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    @classmethod
    def initial(cls, seed: int) -> "Network":
        """He-normal weights and zero biases from ``seed``."""
        rng = np.random.default_rng(seed + 1)
        return cls(
            (rng.standard_normal((64, HIDDEN)) * np.sqrt(2 / 64)).astype(np.float32),
            np.zeros(HIDDEN, np.float32),
            (rng.standard_normal((HIDDEN, CLASSES)) * np.sqrt(2 / HIDDEN)).astype(np.float32),
            np.zeros(CLASSES, np.float32))

    def forward(self, x: np.ndarray, product) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        z1 = (matmul(x, self.w1, product) + self.b1).astype(np.float32)
        h = np.maximum(z1, 0)
        z2 = (matmul(h, self.w2, product) + self.b2).astype(np.float32)
        return z1, h, z2

    def accuracy(self, x: np.ndarray, y: np.ndarray, product) -> float:
        return float((self.forward(x, product)[2].argmax(axis=1) == y).mean())


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def train(split: Split, product, *, epochs: int = DEFAULT_EPOCHS, seed: int = DEFAULT_SEED
          ) -> tuple[Network, list[float]]:
    """The network trained with ``product`` for ``epochs`` epochs from ``seed``, and its test
    accuracy after each epoch (evaluated with the same products)."""
    net = Network.initial(seed)
    rng = np.random.default_rng(seed + 2)
    onehot = np.eye(CLASSES, dtype=np.float32)[split.train_y]
    accuracies = []
    for _ in range(epochs):
        order = rng.permutation(len(split.train_x))
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            x, target = split.train_x[batch], onehot[batch]
            z1, h, z2 = net.forward(x, product)
            d2 = _softmax(z2) - target  # cross-entropy gradient, summed over the batch
            dh = matmul(d2, net.w2.T, product).astype(np.float32)
            d1 = np.where(z1 > 0, dh, 0).astype(np.float32)
            # The batch mean's 1/B goes into the learning rate: one product per weight.
            step = np.float32(LEARNING_RATE / len(batch))
            for weight, gradient in ((net.w2, matmul(h.T, d2, product)),
                                     (net.b2, d2.sum(axis=0)),
                                     (net.w1, matmul(x.T, d1, product)),
                                     (net.b1, d1.sum(axis=0))):
                weight -= multiply(step, gradient.astype(np.float32), product).astype(np.float32)
        accuracies.append(net.accuracy(split.test_x, split.test_y, product))
    return net, accuracies


def _quantised(values: np.ndarray, scale: float, qmax: int) -> np.ndarray:
    return np.clip(np.round(values / scale), -qmax, qmax).astype(np.int64)


@dataclass(frozen=True)
class QuantisedNetwork:
    """Signed ``width``-bit weights and activations, one scale per tensor; int64 biases at the
    scale of their accumulator."""

    width: int
    scales: tuple[float, float]  # input and hidden activation
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    weight_scales: tuple[float, float]

    @classmethod
    def of(cls, net: Network, calibration: np.ndarray, *, width: int) -> "QuantisedNetwork":
        qmax = (1 << (width - 1)) - 1
        s_x = float(np.abs(calibration).max()) / qmax
        s_w1, s_w2 = (float(np.abs(w).max()) / qmax for w in (net.w1, net.w2))
        # The hidden scale from the exact float activations of the training set.
        s_h = float(net.forward(calibration, np.multiply)[1].max()) / qmax
        return cls(width, (s_x, s_h),
                   _quantised(net.w1, s_w1, qmax), np.round(net.b1 / (s_x * s_w1)).astype(np.int64),
                   _quantised(net.w2, s_w2, qmax), np.round(net.b2 / (s_h * s_w2)).astype(np.int64),
                   (s_w1, s_w2))

    def predict(self, x: np.ndarray, design: Design) -> np.ndarray:
        qmax = (1 << (self.width - 1)) - 1
        (s_x, s_h), (s_w1, s_w2) = self.scales, self.weight_scales
        hidden = matmul(_quantised(x, s_x, qmax), self.w1, design) + self.b1
        # Requantisation: the accumulator's real value over the activation scale, exactly.
        h = _quantised(np.maximum(hidden, 0) * (s_x * s_w1), s_h, qmax)
        return (matmul(h, self.w2, design) + self.b2).argmax(axis=1)


def infer(split: Split, net: Network, designs: list[Design], *, width: int) -> dict:
    """Test accuracy of ``net`` in float32 and quantised to ``width`` bits with each design's
    products (signed designs of that width)."""
    quantised = QuantisedNetwork.of(net, split.train_x, width=width)
    rows = []
    for design in designs:
        predicted = quantised.predict(split.test_x, design)
        rows.append({"design": design.label, "variant": design.variant,
                     "accuracy": float((predicted == split.test_y).mean())})
    return {"width": width, "test_images": len(split.test_y),
            "float_accuracy": net.accuracy(split.test_x, split.test_y, np.multiply),
            "rows": rows}


def infer_float(split: Split, net: Network, designs: list[FloatDesign]) -> dict:
    """Test accuracy of ``net`` in float32 and with each floating-point design's products (its
    operands rounded into the design's format)."""
    rows = [{"design": design.label, "variant": design.variant,
             "accuracy": net.accuracy(split.test_x, split.test_y, design)} for design in designs]
    return {"format": designs[0].format, "test_images": len(split.test_y),
            "float_accuracy": net.accuracy(split.test_x, split.test_y, np.multiply),
            "rows": rows}

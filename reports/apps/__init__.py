"""What the error does to real work: exports for approximate-DNN tools, networks, images.

- :mod:`mitchell.reports.apps.export` (``mitchell export``): a design as the lookup tables of
  TFApprox, TorchApprox and AdaPT, as a ``.npy`` table, or as a C model.
- :mod:`mitchell.reports.apps.digits`, :mod:`mitchell.reports.apps.images` and
  :mod:`mitchell.reports.apps.application` (``mitchell apply``, ``mitchell report --app``): a
  small MLP on scikit-learn's digits and two image filters, every product through a design, by
  way of :mod:`mitchell.sim.apply`. All data ship inside scikit-learn; nothing is downloaded.
  Seeds (``--seed``, default 0; ``--seeds``, default 5) are printed.

Over seeds 0 to 4 (``mitchell apply --task digits-infer``, 8-bit signed, 359 test images per
seed; mean, then range): float32 95.32 % (94.71..96.10), exact 95.38 % (94.71..96.10), Mitchell
95.54 % (94.71..96.10), Mitch-w 95.60 % (94.99..96.10), MBM 95.38 % (94.71..95.82), ILM 95.38 %
(94.43..95.82), ALM-SOA 95.54 % (94.99..96.10), nearest-one 95.26 % (94.71..96.10): the
approximate products move the accuracy by less than the choice of seed does.
``mitchell apply --task digits-train`` (every product of training exact
fp32 or Mitchell's fp32 product, 10 epochs): 96.10 % against 96.38 % after the last epoch.
``mitchell apply --task image`` (8-bit unsigned; PSNR / SSIM against the exact filter):

| design | blur | Sobel |
|---|---|---|
| mitchell | 36.54 dB / 0.9981 | identical |
| mitch-w (w=8) | 39.62 dB / 0.9975 | 51.46 dB / 0.9919 |
| mbm | 38.96 dB / 0.9964 | 40.36 dB / 0.9863 |
| ilm (1 correction) | 48.97 dB / 0.9985 | identical |
| alm-soa (w=3) | 41.55 dB / 0.9909 | 42.28 dB / 0.9292 |
| nearest-one | 49.58 dB / 0.9976 | identical |

Mitchell's product is exact when an operand is a power of two, so Sobel (weights 1 and 2) comes
out identical under Mitchell, ILM and nearest-one; the blur's weights 19 and 52 cost Mitchell
36.5 dB, its underestimates darkening the image by 3.1 grey levels on average.
"""

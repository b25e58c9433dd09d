"""REALM and DR-ALM (the log multipliers added to reach the 16-bit front): the RTL against the
golden models over their parameters, the golden models against the scalar ones, REALM's factor
table against its definition, and the papers' published figures."""
import numpy as np
import pytest

from mitchell.reports.error.error_analysis import measure
from mitchell.reports.proofs.prove import prove
from mitchell.rtl import ReducedErrorMultiplier
from mitchell.rtl.realm_table import realm_factor, realm_table
from mitchell.sim import vectors
from mitchell.sim.design import Design
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.vectors import VectorSet

# (width, params): table index bits below, at and above the kept fraction bits, truncated or not.
REALM_CASES = [(5, {"m": 0, "t": 4}), (6, {"m": 2, "t": 3}), (6, {"m": 3, "t": 5}),
               (6, {"m": 4, "t": 2}), (7, {"m": 2, "t": 6}), (7, {"m": 5, "t": 6})]
DR_ALM_CASES = [(6, {"t": 2}), (6, {"t": 4}), (6, {"t": 7}), (7, {"t": 5})]


def case_id(case) -> str:
    return "-".join(f"{key}{value}" for key, value in case.items()) if isinstance(case, dict) \
        else str(case)


@pytest.mark.parametrize("variant, width, params",
                         [("realm", w, p) for w, p in REALM_CASES]
                         + [("dr-alm", w, p) for w, p in DR_ALM_CASES], ids=case_id)
@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_rtl_matches_golden_on_every_pair_at_small_widths(variant, width, params, signed):
    design = Design(variant=variant, width=width, params=params, signed=signed)
    vector_set = VectorSet("exhaustive", width)
    report = run_simulation(SimRequest(design, "amaranth", vector_set))
    assert report.checked == 1 << (2 * width) and report.passed, report.first


@pytest.mark.parametrize("variant, params", [("realm", {"m": 4, "t": 7}), ("realm", {}),
                                             ("dr-alm", {"t": 6})], ids=case_id)
def test_rtl_matches_golden_on_random_16bit_pairs(variant, params):
    vector_set = VectorSet("random:1500+corners", 16, seed=5)
    report = run_simulation(SimRequest(Design(variant=variant, width=16, params=params),
                                       "amaranth", vector_set))
    assert report.checked == vector_set.count and report.passed, report.first


@pytest.mark.parametrize("variant, width, params",
                         [("realm", 8, {"m": m, "t": t}) for m, t in [(0, 7), (2, 5), (4, 7),
                                                                       (6, 6), (3, 1)]]
                         + [("dr-alm", 8, {"t": t}) for t in (2, 3, 5, 9)]
                         + [("realm", 16, {"m": 4, "t": 9}), ("dr-alm", 16, {"t": 7})],
                         ids=case_id)
def test_golden_matches_scalar_model_over_the_parameters(variant, width, params):
    a, b = vectors.exhaustive(8) if width == 8 else vectors.random_pairs(width, 4000, seed=4)
    design = Design(variant=variant, width=width, params=params)
    got = design.golden(a, b)
    assert [int(v) for v in got] == [design.scalar(int(x), int(y)) for x, y in zip(a, b)]


def _factor_by_definition(i: int, j: int, m: int, points: int = 300) -> float:
    """``mean(e / P) / mean(1 / P)`` over segment ``(i, j)`` on a finer grid, with Mitchell's
    error written from the product itself: ``P - M`` for ``M`` his approximation."""
    step = 1 / (points << m)
    x1 = (i * points + np.arange(points) + 0.5) * step
    x2 = (j * points + np.arange(points) + 0.5) * step
    x1, x2 = np.meshgrid(x1, x2)
    exact = (1 + x1) * (1 + x2)
    mitchell = np.where(x1 + x2 < 1, 1 + x1 + x2, 2 * (x1 + x2))
    return float(np.mean((exact - mitchell) / exact) / np.mean(1 / exact))


@pytest.mark.parametrize("m", [0, 1, 2, 3])
def test_factor_table_matches_its_definition(m):
    for i in range(1 << m):
        for j in range(1 << m):
            expected = _factor_by_definition(i, j, m)
            assert realm_factor(i, j, m) == pytest.approx(expected, abs=2e-5), (i, j)
            table = realm_table(m=m, frac_bits=12)
            assert abs(table[(i << m) | j] - expected * 4096) <= 0.51, (i, j)
    # One segment: the mean error 1/12 weighted by 1/P, a little below MBM's unweighted 1/12.
    if m == 0:
        assert 0.075 < realm_factor(0, 0, 0) < 1 / 12


def _pairs(width: int, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return tuple(rng.integers(1, 1 << width, count, dtype=np.uint64) for _ in range(2))


def _relative_errors(design: Design, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    exact = (a * b).astype(float)
    return (design.golden(a, b).astype(float) - exact) / exact


@pytest.mark.parametrize("m", [2, 3, 4])
def test_realm_reproduces_the_published_bias_and_mean_error_range(m):
    """REALM's abstract (DATE 2020): bias mostly within 0.05 %, mean error from 0.4 % to 1.6 %
    (16 bits; the paper's own tables were not available). Without a factor (MBM's skipped
    correction aside, Mitchell) the bias is -3.8 %."""
    a, b = _pairs(16, 400_000, seed=m)
    errors = _relative_errors(Design(variant="realm", width=16, params={"m": m}), a, b)
    assert abs(errors.mean()) < 0.0005
    assert 0.004 - 0.0003 < np.abs(errors).mean() < 0.016
    plain = _relative_errors(Design(variant="mitchell", width=16), a, b)
    assert plain.mean() < -0.03


def test_realm_errors_shrink_with_the_table_and_grow_with_truncation():
    a, b = _pairs(16, 200_000, seed=9)
    mred = {(m, t): np.abs(_relative_errors(
        Design(variant="realm", width=16, params={"m": m, "t": t}), a, b)).mean()
        for m in (1, 3, 5) for t in (5, 15)}
    assert mred[(1, 15)] > mred[(3, 15)] > mred[(5, 15)]
    assert all(mred[(m, 5)] > mred[(m, 15)] for m in (1, 3, 5))


# DR-ALM (Yin et al., IEEE TSUSC 2021), 8-bit unsigned, as a secondary source quotes the paper's
# tables: MRED over all 65,536 pairs (a zero product counted as exact), NMED in units of 1e-2.
DR_ALM_8BIT = {5: {"mred": 4.32, "nmed": 0.96}, 6: {"mred": 2.91, "nmed": 0.70},
               7: {"mred": 2.74}}


def _published(variant: str, width: int, t: int, **kwargs) -> dict:
    params = {"t": t} if variant == "dr-alm" else {"w": t}
    metrics = measure(Design(variant=variant, width=width, params=params), **kwargs)
    return {"mred": round(100 * metrics["mred"] * metrics["relative_pairs"] / metrics["pairs"], 2),
            "nmed": round(100 * metrics["nmed"], 2), "wce": metrics["wce"],
            "wcre": round(100 * metrics["wcre"], 3)}


@pytest.mark.parametrize("t", sorted(DR_ALM_8BIT))
def test_dr_alm_reproduces_the_published_8bit_figures(t):
    got = _published("dr-alm", 8, t)
    assert {key: got[key] for key in DR_ALM_8BIT[t]} == DR_ALM_8BIT[t]
    if t == 6:
        assert (got["wce"], got["wcre"]) == (4225, 11.581)


def test_mitch_w_without_the_carry_in_misses_the_dr_alm_figures():
    """The checker above can fail: Mitch-w is DR-ALM without its carry-in."""
    for t, published in DR_ALM_8BIT.items():
        got = _published("mitch-w", 8, t)
        assert {key: got[key] for key in published} != published


def test_dr_alm_16bit_sampled_is_near_the_published_mred():
    # 16-bit DR-ALM-6: MRED 3.03 %, WCRE 12.496 % (the exhaustive test below checks the digits).
    metrics = measure(Design(variant="dr-alm", width=16, params={"t": 6}), exhaustive=False,
                      samples=1_000_000, seed=3)
    assert abs(100 * metrics["mred"] - 3.03) < 0.02


@pytest.mark.slow
def test_dr_alm_reproduces_the_published_16bit_figures():
    got = _published("dr-alm", 16, 6)
    assert got["mred"] == 3.03 and got["nmed"] == 0.73 and got["wcre"] == 12.496
    assert round(got["wce"] / 1e6, 3) == 301.892


class _WrongFactor(ReducedErrorMultiplier):
    """REALM with one entry of its factor table off by one unit."""

    def __init__(self, *, entry: int, **kwargs):
        super().__init__(**kwargs)
        self._entry = entry

    @property
    def table(self):
        table = list(super().table)
        table[self._entry] += 1
        return tuple(table)


@pytest.mark.parametrize("entry", [0, 15], ids=["first-segment", "last-segment"])
def test_a_wrong_factor_is_a_mismatch(entry):
    """One unit off in one table entry (the segment of small mantissas, or of large ones) is seen
    by the exhaustive comparison above."""
    design = Design(variant="realm", width=6, params={"m": 2})
    mutant = _WrongFactor(width=6, m=2, entry=entry)
    report = run_simulation(SimRequest(design, "amaranth", VectorSet("exhaustive", 6)), dut=mutant)
    assert not report.passed and report.mismatches > 0


@pytest.mark.parametrize("entry", [0, 15], ids=["first-segment", "last-segment"])
def test_a_wrong_factor_fails_the_proof_against_the_reference(entry):
    """The reference reads its own table: a design one unit off in one entry does not prove, and
    the counterexample's expected product is the golden model's."""
    design = Design(variant="realm", width=6, params={"m": 2})
    result = prove(design, dut=_WrongFactor(width=6, m=2, entry=entry), timeout=300)
    assert not result.proved
    pair = result.pair
    assert pair.expected == int(design.golden([pair.a], [pair.b])[0]) != pair.seen

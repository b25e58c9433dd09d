"""Glitch-aware power: the timed simulation of the standard-cell flow (OpenSTA's SDF, Icarus
with the cells' specify blocks), through the real tools.

The hand-written netlists' expected transitions are derived here from the cell delays of the SDF
file (read with this file's own parser) and the semantics of Verilog path delays, not from the
code under test.
"""
import re

import numpy as np
import pytest

from mitchell.reports.synthesis import asic
from mitchell.sim.design import Design


# A synthesis cache of this worker's own (conftest.py).
pytestmark = pytest.mark.usefixtures("private_cache")


def hazard(inverters: int) -> str:
    """``p[0] = a & ~a`` through a chain of ``inverters`` (odd) inverters: 0 once settled, but
    when ``a`` rises the AND sees both inputs at 1 until the chain's output falls."""
    chain = [f"  INVX1 i{k} (.A({'a[0]' if k == 1 else f'n{k - 1}'}), .Y(n{k}));"
             for k in range(1, inverters + 1)]
    return "\n".join([
        "module hazard(a, b, p);", "  input [0:0] a;", "  input [0:0] b;", "  output [1:0] p;",
        "  wire " + ", ".join(f"n{k}" for k in range(1, inverters + 1)) + ";", *chain,
        f"  AND2X1 g (.A(a[0]), .B(n{inverters}), .Y(p[0]));", "  assign p[1] = 1'b0;",
        "endmodule", ""])


def iopaths(sdf: str) -> dict[str, tuple[float, float]]:
    """Each instance's IOPATH delays (rise, fall) in ns, the largest over its paths to Y, read
    from the SDF text: ``(INSTANCE name) ... (IOPATH A Y (r::r) (f::f))``."""
    found = {}
    for name, body in re.findall(r"\(INSTANCE (\w+)\)(.*?)\n \)", sdf, re.S):
        paths = re.findall(r"\(IOPATH \w+ Y \(([\d.]+)::[\d.]+\) \(([\d.]+)::[\d.]+\)\)", body)
        if paths:
            found[name] = tuple(max(float(path[k]) for path in paths) for k in (0, 1))
    return found


RISES = 10
STREAM_A = [0] + [1, 0] * RISES  # a warm-up 0, then RISES rising and RISES falling edges
STREAM_B = [0] * len(STREAM_A)


def hazard_counts(measure, library, inverters: int, work) -> tuple[dict, dict, float, float]:
    """The transitions ``measure`` (:func:`~mitchell.reports.synthesis.asic.measure_activity` or
    a mutant of it) counts on the hazard netlist, what the cell delays say they must be, and
    the pulse the AND sees against its delay (ns)."""
    netlist = asic.Netlist.parse(hazard(inverters), "hazard", library)
    sdf = asic.write_sdf(netlist, library, clocked=False, work=work)
    delays = iopaths(sdf.read_text())
    # a rises: the chain's output falls after the inverters' delays, alternately fall and rise.
    pulse = sum(delays[f"i{k}"][1 if k % 2 else 0] for k in range(1, inverters + 1))
    and_delay = max(delays["g"])
    activity = measure(netlist, library, STREAM_A, STREAM_B, width=1, stages=0,
                       expected=[0] * len(STREAM_A), work=work, sdf=sdf)
    edges = 2 * RISES
    # Each inverter and the input change once per edge of a. The AND rises when a does and falls
    # when the chain catches up: two transitions per rising edge if the pulse outlasts the AND's
    # delay, none if it is shorter (Verilog path delays are inertial); when a falls, the AND
    # sees a 0 at once and stays 0.
    expected = {"a[0]": edges, "b[0]": 0, "p[0]": 2 * RISES if pulse > and_delay else 0,
                **{f"n{k}": edges for k in range(1, inverters + 1)}}
    return activity.toggles, expected, pulse, and_delay


def check_hazard(measure, library, tmp_path) -> None:
    """The counts of ``measure`` on a long pulse (5 inverters: a glitch on p[0]) and a short
    one (1 inverter: swallowed by the AND), each far from the AND's delay."""
    for inverters, glitches in ((5, True), (1, False)):
        work = tmp_path / f"chain{inverters}"
        work.mkdir()
        counted, expected, pulse, and_delay = hazard_counts(measure, library, inverters, work)
        # The derivation holds only away from the boundary (Icarus rounds the delays to 10 ps).
        assert (pulse > and_delay + 0.02) if glitches else (pulse < and_delay - 0.02), \
            (pulse, and_delay)
        assert counted == expected


def test_every_transition_of_a_hand_derived_hazard_is_counted(library, tmp_path):
    check_hazard(asic.measure_activity, library, tmp_path)
    # The same run keeps the settled changes apart: p[0] never settles anywhere but 0.
    netlist = asic.Netlist.parse(hazard(5), "hazard", library)
    sdf = asic.write_sdf(netlist, library, clocked=False, work=tmp_path)
    activity = asic.measure_activity(netlist, library, STREAM_A, STREAM_B, width=1, stages=0,
                                     expected=[0] * len(STREAM_A), work=tmp_path, sdf=sdf)
    assert activity.settled["p[0]"] == 0 and activity.settled["n5"] == 2 * RISES
    every = 2 * RISES * 6 + 2 * RISES  # a[0] and n1..n5 at each edge, the glitches on p[0]
    assert activity.glitch_share() == pytest.approx(2 * RISES / every)


def sampled_once_per_clock(*args, **kwargs) -> asic.Activity:
    """A mutant: the timed simulation's transitions counted by sampling once per clock (the
    settled changes), so every glitch is dropped."""
    activity = asic.measure_activity(*args, **kwargs)
    return asic.Activity(activity.operations, activity.settled, activity.duty, activity.settled)


def test_counting_that_samples_once_per_clock_is_caught(library, tmp_path):
    with pytest.raises(AssertionError):
        check_hazard(sampled_once_per_clock, library, tmp_path)


@pytest.mark.parametrize("design", [Design(variant="exact", width=8),
                                    Design(width=8, stages=1)], ids=["exact", "mitchell-1-stage"])
def test_the_timed_run_settles_where_the_zero_delay_run_does(library, design, tmp_path):
    """The settled changes of the timed run are the zero-delay run's on the same pairs, net by
    net (registers included), and glitches only add: every net switches at least as often with
    delays."""
    run = asic.Synthesis.prepare(design)
    mapping = run.map(tmp_path)
    a, b = run.a[:201], run.b[:201]
    common = dict(width=8, stages=design.stages, expected=design.golden(a, b), work=tmp_path)
    zero = asic.measure_activity(mapping.netlist, run.library, a, b, **common)
    sdf = asic.write_sdf(mapping.netlist, run.library, clocked=bool(design.stages),
                         work=tmp_path)
    timed = asic.measure_activity(mapping.netlist, run.library, a, b, **common, sdf=sdf,
                                  period=asic.timed_period(mapping.figures["asic_delay_ns"]))
    assert timed.settled == zero.toggles and timed.duty == zero.duty
    assert all(timed.toggles[net] >= zero.toggles[net] for net in zero.toggles)
    if not design.stages:
        # An array multiplier's carries ripple: many nets switch more than they settle.
        assert sum(timed.toggles.values()) > 1.2 * sum(zero.toggles.values())


@pytest.mark.parametrize("variant", ["mitchell", "exact"])
def test_timed_energy_is_above_the_zero_delay_energy_of_a_design_that_glitches(library, variant):
    result = asic.synthesize_asic(Design(variant=variant, width=8))
    assert result["asic_timed_pairs"] == asic.TIMED_PAIRS
    assert result["asic_timed_energy_pj"] > result["asic_energy_pj"]
    assert result["asic_timed_dynamic_mw"] > result["asic_dynamic_mw"]
    assert 0.1 < result["asic_glitch_share"] < 1
    assert result["asic_timed_energy_pj"] == pytest.approx(
        (result["asic_timed_dynamic_mw"] + result["asic_leakage_mw"]) * asic.PERIOD_NS)
    assert "timed simulation of the first 500" in result["asic_activity"]


def test_operands_held_constant_draw_leakage_only_with_delays_too(library):
    pairs = 30
    result = asic.synthesize_asic(Design(width=8), operands=([0xB7] * pairs, [0x5C] * pairs),
                                  use_cache=False)
    assert result["asic_timed_pairs"] == pairs - 1
    assert result["asic_dynamic_mw"] == 0 and result["asic_timed_dynamic_mw"] == 0
    assert result["asic_glitch_share"] == 0
    assert result["asic_timed_energy_pj"] == pytest.approx(
        result["asic_leakage_mw"] * asic.PERIOD_NS) and result["asic_leakage_mw"] > 0


def test_a_missing_or_broken_sdf_is_a_one_line_error(library, tmp_path):
    netlist = asic.Netlist.parse(hazard(1), "hazard", library)
    arguments = dict(width=1, stages=0, expected=[0] * len(STREAM_A), work=tmp_path)
    with pytest.raises(asic.NetlistError, match=r"^no SDF .* hazard: .*missing.sdf' is "
                                                r"missing$"):
        asic.measure_activity(netlist, library, STREAM_A, STREAM_B, sdf=tmp_path / "missing.sdf",
                              **arguments)
    (tmp_path / "empty.sdf").write_text("")
    with pytest.raises(asic.NetlistError, match=r"'\S*empty.sdf' is empty$"):
        asic.measure_activity(netlist, library, STREAM_A, STREAM_B, sdf=tmp_path / "empty.sdf",
                              **arguments)
    sdf = asic.write_sdf(netlist, library, clocked=False, work=tmp_path)
    # Icarus would go on without the delays of an SDF it cannot read, or of an instance it
    # cannot find: both are errors, in one line.
    for name, text in (("cut.sdf", sdf.read_text()[:300]),
                       ("other.sdf", sdf.read_text().replace("(INSTANCE g)", "(INSTANCE h)"))):
        (tmp_path / name).write_text(text)
        with pytest.raises(asic.NetlistError, match=rf"could not use {name}: .*SDF") as error:
            asic.measure_activity(netlist, library, STREAM_A, STREAM_B, sdf=tmp_path / name,
                                  **arguments)
        assert "\n" not in str(error.value)


def test_an_sdf_opensta_did_not_write_is_a_one_line_error(library, tmp_path):
    # A pin INVX1 does not have: OpenSTA cannot link the netlist, so writes no SDF.
    netlist = asic.Netlist.parse(hazard(1).replace(".A(a[0]), .Y(n1)", ".Z(a[0]), .Y(n1)"),
                                 "hazard", library)
    with pytest.raises(asic.SynthesisError, match=r"^OpenSTA wrote no SDF for hazard: ") as error:
        asic.write_sdf(netlist, library, clocked=False, work=tmp_path)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "timed.sdf").exists()

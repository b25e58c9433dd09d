"""``mitchell prove``: the references prove equal to the designs, wrong designs give
counterexamples that simulation confirms, and a proof out of time stops with one line.

The counterexamples are checked against the golden models, not against the proof's own numbers:
the expected value must be the reference design's golden output for the pair, the seen value the
wrong design's."""
import os
import subprocess
import sys
import time

import pytest

from mitchell.reports.proofs.prove import ProofTimeout, equivalence_trace, prove, replay
from mitchell.rtl.mitchell import DROP
from mitchell.sim.catalogue import integer_designs
from mitchell.sim.design import Design
from mitchell.sim.reference import REFERENCE_FILE, REFERENCES, reference_verilog

from .mutants import ExtraLatency, FlippedBit


def test_every_design_has_a_reference_taking_its_output_parameters():
    for name, entry in integer_designs().items():
        assert name in REFERENCES, name
        mapped = set(REFERENCES[name].parameters)
        # A truncated product (drop) is ref_truncate after the module, for every design.
        needed = {parameter.name for parameter in entry.parameters
                  if parameter.output and parameter is not DROP}
        if entry.frac_bits is not None:
            needed.add("frac_bits")
        assert mapped == needed, name


# Every design at 8 bits with its defaults, and the options that change the reference: fewer
# fraction bits, other parameters, signed operands, pipelines.
# The Dadda tree against `a * b` is a multiplier-equivalence problem, hard for SAT: over a
# minute at 8 bits, no end in sight at 16; it is proved at 5 bits below.
HARD = {"exact"}
EIGHT_BITS = [dict(variant=name) for name in integer_designs() if name not in HARD] + [
    dict(variant="mitchell", frac_bits=3),
    dict(variant="mitchell", params={"arch": "residue"}),
    dict(variant="mitchell", params={"arch": "carry-select"}),
    dict(variant="mitch-w", params={"w": 3}),
    dict(variant="mitch-w", params={"w": 9}),
    dict(variant="mbm", frac_bits=4),
    dict(variant="ilm", params={"corrections": 3}),
    dict(variant="alm-soa", params={"w": 1}),
    dict(variant="mitchell-div", frac_bits=2),
    dict(variant="mitchell", signed=True),
    dict(variant="nearest-one", signed=True),
    dict(variant="mitchell", stages=2),
    dict(variant="ilm", stages=1, signed=True),
    dict(variant="mitch-w", params={"w": 4, "drop": 5}, signed=True),
    dict(variant="realm", params={"drop": 15}, stages=2),
    dict(variant="truncated", params={"cut": 5, "merge": 5}, stages=1),
]


@pytest.mark.parametrize("fields", EIGHT_BITS, ids=lambda fields: Design(width=8, **fields).label)
def test_correct_designs_prove_at_8_bits(fields):
    result = prove(Design(width=8, **fields), timeout=300)
    assert result.proved and result.trace == [], result.trace


def test_the_dadda_tree_proves_at_5_bits():
    assert prove(Design(variant="exact", width=5), timeout=300).proved


# Every design proves at 8 bits above; one proof at 16 bits shows the references take the width.
def test_mitchell_proves_at_16_bits():
    assert prove(Design(width=16), timeout=300).proved


# A design proved against another design's reference: the proof must fail, with the other
# design's golden output as expected and this one's as seen. This shows each reference says
# something (it is not vacuously equal to anything) and that the counterexample is read right.
MITCHELL = dict(variant="mitchell")
OTHER_REFERENCE = [
    (MITCHELL, dict(variant="mbm")),
    (MITCHELL, dict(variant="mitch-w")),
    (MITCHELL, dict(variant="alm-soa")),
    (MITCHELL, dict(variant="ilm")),
    (MITCHELL, dict(variant="nearest-one")),
    (MITCHELL, dict(variant="exact")),
    (MITCHELL, dict(variant="mitchell", frac_bits=4)),
    (dict(variant="ilm"), dict(variant="ilm", params={"corrections": 2})),
    (dict(variant="mitchell-div"), dict(variant="exact-div")),
    (MITCHELL, dict(variant="mitchell", signed=True)),
    (MITCHELL, dict(variant="mitchell", params={"drop": 1})),
    (dict(variant="mitchell", params={"drop": 8}), dict(variant="mitchell", params={"drop": 7})),
]


@pytest.mark.parametrize("design_fields, reference_fields", OTHER_REFERENCE,
                         ids=lambda fields: Design(width=8, **fields).label)
def test_a_design_against_another_reference_gives_a_true_counterexample(design_fields,
                                                                        reference_fields):
    reference, design = Design(width=8, **reference_fields), Design(width=8, **design_fields)
    result = prove(reference, dut=design.component(), timeout=300)
    assert not result.proved
    pair = result.pair
    assert pair.expected == int(reference.golden([pair.a], [pair.b])[0])
    assert pair.seen == int(design.golden([pair.a], [pair.b])[0])
    assert pair.expected != pair.seen


def test_the_two_mitchell_references_are_equal():
    sources = {"reference.v": REFERENCE_FILE.read_text()}
    for form, module in (("integer", "ref_mitchell"), ("residue", "ref_mitchell_residue")):
        sources[f"{form}.v"] = (
            f"module {form}_form(input [15:0] a, input [15:0] b, output [31:0] p);\n"
            f"    {module} #(.W(16)) core (.a(a), .b(b), .p(p));\nendmodule\n")
    assert equivalence_trace(sources, gold="integer_form", gate="residue_form", width=16,
                             stages=0, timeout=300, what="the two forms") == []


@pytest.mark.parametrize("bit", [0, 15], ids=["lowest-bit", "top-bit"])
def test_a_wrong_bit_gives_a_counterexample_that_simulation_confirms(bit, tmp_path):
    design, mutant = Design(width=8), FlippedBit(width=8, bit=bit)
    result = prove(design, dut=mutant, timeout=300)
    pair = result.pair
    golden = int(design.golden([pair.a], [pair.b])[0])
    # The mutant flips the bit exactly when a is odd.
    assert pair.a % 2 == 1 and pair.expected == golden and pair.seen == golden ^ (1 << bit)
    replayed = replay(result, design, simulator="amaranth", build_dir=tmp_path,
                      dut=FlippedBit(width=8, bit=bit))
    assert replayed.confirms(pair) and replayed.got == pair.seen and replayed.golden == golden


@pytest.mark.parametrize("make, stages", [
    (lambda: FlippedBit(width=8, bit=15, stages=2), 2),
    (lambda: ExtraLatency(width=8, stages=1), 1),
], ids=["wrong-bit", "extra-register"])
def test_a_wrong_pipeline_gives_a_counterexample_that_simulation_confirms(make, stages, tmp_path):
    design = Design(width=8, stages=stages)
    result = prove(design, dut=make(), timeout=300)
    assert not result.proved and len(result.trace) == stages + 2
    assert result.trace[0].rst == 1 and all(step.rst == 0 for step in result.trace[1:])
    pair = result.pair
    assert pair is not None and pair.expected == int(design.golden([pair.a], [pair.b])[0])
    replayed = replay(result, design, simulator="amaranth", build_dir=tmp_path, dut=make())
    assert replayed.confirms(pair)


def test_a_netlist_proves_equal_to_its_rtl():
    result = prove(Design(width=8, stages=1), netlist=True, timeout=300)
    assert result.proved and "module mitchell_mul" in result.netlist


@pytest.mark.needs_iverilog
def test_a_wrong_verilog_file_on_the_command_line(cli, tmp_path):
    from mitchell.rtl import to_verilog

    (tmp_path / "mutant.v").write_text(to_verilog(FlippedBit(width=8, bit=0), name="mutant"))
    run = cli("prove", "--width", 8, "--verilog", "mutant.v", "--top", "mutant")
    assert run.status == 1, run
    lines = run.stdout.splitlines()
    assert lines[0].startswith("counterexample: mutant from mutant.v")
    assert "simulation (icarus, --vectors pair:" in lines[-1] and "confirms it" in lines[-1]


def test_a_proof_on_the_command_line(cli):
    run = cli("prove", "--width", 8, "--variant", "mbm")
    assert run.status == 0 and run.stderr == ""
    assert run.stdout.startswith("proved: mbm(width=8, frac_bits=7, stages=0) equals its "
                                 "behavioural reference for every input")


@pytest.mark.parametrize("args, message", [
    (["--timeout", "0"], "expected a positive number of seconds, not '0'"),
    (["--timeout", "nan"], "expected a positive number of seconds, not 'nan'"),
    (["--simulator", "spice"], "Simulator must be one of"),
    (["--netlist", "--simulator", "amaranth"], "is replayed on icarus or verilator"),
    (["--verilog", "x.v"], "--verilog and --top go together"),
    (["--verilog", "missing.v", "--top", "m"], "does not exist"),
])
def test_bad_input_is_one_line(cli, args, message):
    run = cli("prove", "--width", 8, *args)
    assert run.status == 2 and run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and message in run.stderr, run.stderr


def test_a_design_without_a_reference_is_named(cli, monkeypatch):
    monkeypatch.delitem(REFERENCES, "ilm")
    run = cli("prove", "--width", 8, "--variant", "ilm")
    assert run.status == 2
    assert run.stderr == ("mitchell prove: error: 'ilm' has no behavioural reference yet: write "
                          "one in reference.v (sim/hdl/) and list it in sim/reference.py\n")


def test_the_reference_top_has_the_design_ports():
    text = reference_verilog(Design(width=12, stages=3, signed=True))
    assert text.startswith("module reference(input [11:0] a, input [11:0] b, output [23:0] p, "
                           "input clk, input rst);")
    assert "ref_delay #(.N(24), .S(3))" in text and "ref_sign_in #(.W(12))" in text


def test_a_proof_out_of_time_stops_with_one_line(tmp_path):
    # A pipelined exact multiplier registers its operands, the reference its product: the
    # solver has to prove two 24-bit multipliers equal, which it does not do in seconds.
    env = dict(os.environ, TMPDIR=str(tmp_path))
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "mitchell.reports.cli", "prove", "--width", "24", "--variant",
         "exact", "--stages", "1", "--timeout", "3"], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=120)
    seconds = time.monotonic() - started
    assert completed.returncode == 3 and completed.stdout == ""
    assert completed.stderr == ("mitchell prove: error: no proof and no counterexample for "
                                "exact(width=24, stages=1) against its behavioural reference "
                                "within 3 s (raise --timeout)\n")
    assert seconds < 20
    assert list(tmp_path.iterdir()) == []


def test_the_timeout_is_checked(monkeypatch):
    with pytest.raises(ValueError, match="Timeout must be a positive number of seconds, not 0"):
        prove(Design(width=8), timeout=0)
    with pytest.raises(ProofTimeout):
        prove(Design(width=16, variant="exact", stages=1), timeout=0.5)


def test_a_pair_of_operands_is_a_vector_set():
    from mitchell.sim.vectors import VectorSet

    a, b = VectorSet("pair:3,5+corners+pair:255,0", 8).arrays()
    assert (a[0], b[0], a[-1], b[-1]) == (3, 5, 255, 0) and VectorSet("pair:3,5", 8).count == 1
    for spec in ("pair:256,0", "pair:1", "pair:1,2,3", "pair:-1,2", "pair:0x3,1"):
        with pytest.raises(ValueError, match="pair:A,B"):
            VectorSet(spec, 8)

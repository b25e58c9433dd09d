"""The datapath's building blocks on their own, exhaustively at small widths in Amaranth's simulator,
and where the pipeline registers really are. Expected values come from the definitions, not from
the golden models."""
from itertools import product

import pytest
from amaranth.hdl import Fragment
from amaranth.sim import Simulator
from amaranth.utils import ceil_log2

from mitchell.rtl import (Antilogarithm, ExactMultiplier, IterativeLogMultiplier, Logarithm,
                          MitchellMultiplier, NearestOneMultiplier)
from mitchell.rtl.power_sum import PowerSum


def outputs(dut, inputs: dict, cases, outputs_read: dict) -> list[tuple]:
    """For each case (a tuple of input values, in the order of ``inputs``), the values of
    ``outputs_read`` once the combinational design has settled."""
    seen = []

    async def bench(ctx):
        for case in cases:
            for port, value in zip(inputs.values(), case):
                ctx.set(port, value)
            seen.append(tuple(ctx.get(port) for port in outputs_read.values()))

    sim = Simulator(dut)
    sim.add_testbench(bench)
    sim.run()
    return seen


LOGARITHM_CASES = [(width, frac_bits) for width in (1, 2, 3, 5, 8) for frac_bits in range(width)]


@pytest.mark.parametrize("width, frac_bits", LOGARITHM_CASES)
def test_logarithm_gives_floor_log2_and_the_top_mantissa_bits(width, frac_bits):
    dut = Logarithm(width=width, frac_bits=frac_bits)
    values = range(1 << width)
    got = outputs(dut, {"operand": dut.operand}, [(n,) for n in values],
                  {"k": dut.characteristic, "x": dut.fraction, "zero": dut.zero})
    for n, (k, x, zero) in zip(values, got):
        assert zero == (n == 0), n
        if n == 0:
            continue  # characteristic and fraction are documented as meaningless
        floor_log2 = n.bit_length() - 1
        # The mantissa N / 2**k - 1 in [0, 1), truncated to frac_bits fraction bits.
        mantissa = ((n - (1 << floor_log2)) << frac_bits) >> floor_log2
        assert (k, x) == (floor_log2, mantissa), n


@pytest.mark.parametrize("characteristic_width, frac_bits, width",
                         [(1, 0, 1), (2, 0, 3), (2, 3, 4), (3, 2, 5), (3, 4, 12), (3, 5, 6)])
def test_antilogarithm_is_floor_of_two_to_k_times_one_plus_x(characteristic_width, frac_bits, width):
    dut = Antilogarithm(characteristic_width=characteristic_width, frac_bits=frac_bits, width=width)
    cases = list(product(range(1 << characteristic_width), range(1 << frac_bits)))
    got = outputs(dut, {"k": dut.characteristic, "x": dut.fraction}, cases, {"p": dut.result})
    for (k, x), (result,) in zip(cases, got):
        # floor(2**k * (1 + x / 2**F)), bits above the result's width lost.
        expected = ((((1 << frac_bits) + x) << k) >> frac_bits) % (1 << width)
        assert result == expected, (k, x)


def signed_value(bits: int, width: int) -> int:
    return bits - (1 << width) if bits >> (width - 1) else bits


@pytest.mark.parametrize("characteristic_width, residue_width, result_width, signed", [
    (1, 1, 4, False), (2, 3, 6, False), (2, 3, 10, False), (2, 5, 4, False),
    (2, 3, 5, True), (2, 3, 9, True), (1, 4, 4, True),
])
def test_power_sum_by_definition(characteristic_width, residue_width, result_width, signed):
    dut = PowerSum(characteristic_width=characteristic_width, residue_width=residue_width,
                   result_width=result_width, signed=signed)
    ks, rs = range(1 << characteristic_width), range(1 << residue_width)
    cases = list(product(ks, ks, rs, rs))
    got = outputs(dut, {"k1": dut.k1, "k2": dut.k2, "r1": dut.r1, "r2": dut.r2}, cases,
                  {"result": dut.result})
    for (k1, k2, r1, r2), (result,) in zip(cases, got):
        if signed:
            r1, r2 = signed_value(r1, residue_width), signed_value(r2, residue_width)
        expected = (2 ** (k1 + k2) + r1 * 2 ** k2 + r2 * 2 ** k1) % 2 ** result_width
        assert result == expected, (k1, k2, r1, r2)


def register_map(dut):
    """Elaborates ``dut`` and returns its fragment, ``latency`` (the number of registers between the
    operands and a signal) and the widths of the registers at each latency, sorted. Every
    statement of every module is read; a signal driven in the ``sync`` domain is a register."""
    fragment = Fragment.get(dut, None)
    drivers = {}  # id(signal) -> (signal, domain, the signals its drivers read)

    def collect(fragment):
        for domain, statements in fragment.statements.items():
            for statement in statements:
                # What a statement reads includes its target (a slice of it may be assigned);
                # a register that feeds itself would add no latency either.
                for signal in statement._lhs_signals():
                    reads = [read for read in statement._rhs_signals() if read is not signal]
                    _, _, before = drivers.get(id(signal), (signal, domain, []))
                    drivers[id(signal)] = (signal, domain, before + reads)
        for subfragment, _, _ in fragment.subfragments:
            collect(subfragment)

    collect(fragment)
    memo = {}

    def latency(signal) -> int:
        if id(signal) not in memo:
            if id(signal) not in drivers:
                memo[id(signal)] = 0  # an operand or a constant
            else:
                _, domain, reads = drivers[id(signal)]
                memo[id(signal)] = max(map(latency, reads), default=0) + (domain == "sync")
        return memo[id(signal)]

    registers = {}
    for signal, domain, _ in drivers.values():
        if domain == "sync":
            registers.setdefault(latency(signal), []).append(len(signal))
    return fragment, latency, {level: sorted(widths) for level, widths in registers.items()}


def submodules_of(fragment, cls) -> list:
    """The instances of ``cls`` elaborated anywhere in ``fragment``."""
    found = [origin for origin in fragment.origins or () if isinstance(origin, cls)]
    for subfragment, _, _ in fragment.subfragments:
        found += submodules_of(subfragment, cls)
    return found


@pytest.mark.parametrize("stages", [0, 1, 2, 3, 5])
def test_mitchell_registers_follow_the_logarithms_then_the_adder_then_the_product(stages):
    width = 8
    dut = MitchellMultiplier(width=width, stages=stages)
    fragment, latency, registers = register_map(dut)
    log_word = dut.frac_bits + ceil_log2(width)   # {k, x} of one operand
    sum_word = log_word + 1                        # the adder's carry lands in k
    flag = 1                                       # the zero flag travels with the data
    expected = {1: [flag, log_word, log_word], 2: [flag, sum_word]}
    expected.update({level: [2 * width] for level in range(3, stages + 1)})
    assert registers == {level: widths for level, widths in expected.items() if level <= stages}
    logarithms = submodules_of(fragment, Logarithm)
    antilog, = submodules_of(fragment, Antilogarithm)
    assert len(logarithms) == 2
    for logarithm in logarithms:
        assert latency(logarithm.operand) == latency(logarithm.fraction) == 0
    assert latency(antilog.characteristic) == latency(antilog.fraction) == min(stages, 2)
    assert latency(dut.p) == stages


@pytest.mark.parametrize("stages", [1, 2, 4])
def test_exact_multiplier_registers_the_operands_first_then_the_product(stages):
    width = 8
    dut = ExactMultiplier(width=width, stages=stages)
    _, latency, registers = register_map(dut)
    assert registers == {1: [width, width], **{level: [2 * width] for level in range(2, stages + 1)}}
    assert latency(dut.p) == stages


@pytest.mark.parametrize("cls, kwargs", [(IterativeLogMultiplier, {"corrections": 2}),
                                         (NearestOneMultiplier, {})])
def test_power_sum_multipliers_register_only_the_product(cls, kwargs):
    width, stages = 8, 2
    dut = cls(width=width, stages=stages, **kwargs)
    fragment, latency, registers = register_map(dut)
    assert registers == {1: [2 * width], 2: [2 * width]}
    blocks = submodules_of(fragment, PowerSum)
    assert blocks and all(latency(block.result) == 0 for block in blocks)
    assert latency(dut.p) == stages

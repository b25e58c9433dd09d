// Batch testbench for any multiplier with ports a, b, p (and clk, rst when PIPELINED is defined).
//
// The cocotb bench writes a chunk of vectors to vectors.hex, one per line, each line the
// nibble-aligned fields {expected, b, a}, sets `count` and raises `start`. On the next rising edge
// the testbench loads the file; then it applies one pair per clock and compares every output with
// its expected value, `STAGES + 1` edges after the pair was applied (one edge for its own operand
// register, STAGES for the design's). It counts mismatches, keeps the first eight (index and value
// seen) and raises `done`. Python is involved once per chunk, not once per vector.
`timescale 1ns/1ps
module mitchell_batch_tb #(
    parameter WIDTH = 8,
    parameter STAGES = 0,
    parameter DEPTH = 1024
);
    localparam FIELD = ((WIDTH + 3) / 4) * 4;
    localparam KEEP = 8;

    reg clk = 0;
    reg rst = 0;
    reg [WIDTH-1:0] a = 0;
    reg [WIDTH-1:0] b = 0;
    wire [2*WIDTH-1:0] p;

    reg [4*FIELD-1:0] vectors [0:DEPTH-1];
    reg [31:0] count = 0;
    reg start = 0;
    reg running = 0;
    reg done = 0;
    reg [31:0] edges = 0;
    reg [31:0] mismatches = 0;
    reg [KEEP*32-1:0] bad_index = 0;
    reg [KEEP*2*WIDTH-1:0] bad_value = 0;

    // Index of the vector whose output is on `p` at this edge.
    wire [31:0] checking = edges - STAGES - 1;
    wire [2*WIDTH-1:0] expected = vectors[checking[$clog2(DEPTH)-1:0]][2*FIELD +: 2*WIDTH];

`ifdef PIPELINED
    `DUT dut (.clk(clk), .rst(rst), .a(a), .b(b), .p(p));
`else
    `DUT dut (.a(a), .b(b), .p(p));
`endif

    reg [1023:0] vcd_file;
    initial begin
        if ($value$plusargs("vcd=%s", vcd_file)) begin
            $dumpfile(vcd_file);
            $dumpvars(0, mitchell_batch_tb);
        end
    end

    always #1 clk = ~clk;

    always @(posedge clk) begin
        if (!start) begin
            done <= 0;
        end else if (!running && !done) begin
            $readmemh("vectors.hex", vectors);
            running <= 1;
            edges <= 0;
            mismatches <= 0;
        end else if (running) begin
            edges <= edges + 1;
            if (edges < count) begin
                a <= vectors[edges[$clog2(DEPTH)-1:0]][0 +: WIDTH];
                b <= vectors[edges[$clog2(DEPTH)-1:0]][FIELD +: WIDTH];
            end
            if (edges > STAGES && checking < count && p !== expected) begin
                if (mismatches < KEEP) begin
                    bad_index[mismatches*32 +: 32] <= checking;
                    bad_value[mismatches*2*WIDTH +: 2*WIDTH] <= p;
                end
                mismatches <= mismatches + 1;
            end
            if (edges == count + STAGES) begin
                running <= 0;
                done <= 1;
            end
        end
    end
endmodule

// Batch testbench for any multiplier with ports a, b, p (and clk, rst when PIPELINED is defined).
//
// The cocotb bench writes a chunk of vectors to vectors.hex, one per line, each line the
// nibble-aligned fields {expected, b, a}, sets `count` and raises `start`. On the next rising edge
// the testbench loads the file; then it applies LANES pairs per clock, one to each of LANES copies
// of the design, and compares every output with its expected value `STAGES + 1` edges after the
// pair was applied (one edge for the testbench's operand register, STAGES for the design's). It
// counts mismatches, keeps the first KEEP (index and value seen) and raises `done`. Python is
// involved once per chunk, not once per vector.
`timescale 1ns/1ps
module mitchell_batch_tb #(
    parameter WIDTH = 8,
    parameter STAGES = 0,
    parameter DEPTH = 1024,
    parameter LANES = 1
);
    localparam FIELD = ((WIDTH + 3) / 4) * 4;
    localparam KEEP = 8;
    localparam ADDRESS = $clog2(DEPTH);

    reg clk = 0;
    reg rst = 0;
    // Left unknown until the first vector, so that an `always @*` design sees an event even when
    // that vector is 0.
    reg [LANES*WIDTH-1:0] a_all;
    reg [LANES*WIDTH-1:0] b_all;
    wire [LANES*2*WIDTH-1:0] p_all;

    reg [4*FIELD-1:0] vectors [0:DEPTH-1];
    reg [31:0] count = 0;
    reg start = 0;
    reg running = 0;
    reg done = 0;
    reg [31:0] edges = 0;
    reg [31:0] mismatches = 0;
    reg [KEEP*32-1:0] bad_index = 0;
    reg [KEEP*2*WIDTH-1:0] bad_value = 0;

    genvar lane;
    generate
        for (lane = 0; lane < LANES; lane = lane + 1) begin : lanes
`ifdef PIPELINED
            `DUT dut (.clk(clk), .rst(rst), .a(a_all[lane*WIDTH +: WIDTH]),
                      .b(b_all[lane*WIDTH +: WIDTH]), .p(p_all[lane*2*WIDTH +: 2*WIDTH]));
`else
            `DUT dut (.a(a_all[lane*WIDTH +: WIDTH]), .b(b_all[lane*WIDTH +: WIDTH]),
                      .p(p_all[lane*2*WIDTH +: 2*WIDTH]));
`endif
        end
    endgenerate

    reg [1023:0] vcd_file;
    initial begin
        if ($value$plusargs("vcd=%s", vcd_file)) begin
            $dumpfile(vcd_file);
            $dumpvars(0, mitchell_batch_tb);
        end
    end

    always #1 clk = ~clk;

    // First vector applied at this edge, and first vector whose outputs are on p_all.
    wire [31:0] applying = edges * LANES;
    wire [31:0] checking = (edges - STAGES - 1) * LANES;

    integer slot;
    reg [31:0] found;
    reg [31:0] index;
    reg [2*WIDTH-1:0] seen;
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
            found = mismatches;
            for (slot = 0; slot < LANES; slot = slot + 1) begin
                index = applying + slot;
                if (index < count) begin
                    a_all[slot*WIDTH +: WIDTH] <= vectors[index[ADDRESS-1:0]][0 +: WIDTH];
                    b_all[slot*WIDTH +: WIDTH] <= vectors[index[ADDRESS-1:0]][FIELD +: WIDTH];
                end
                index = checking + slot;
                seen = p_all[slot*2*WIDTH +: 2*WIDTH];
                if (edges > STAGES && index < count
                        && seen !== vectors[index[ADDRESS-1:0]][2*FIELD +: 2*WIDTH]) begin
                    if (found < KEEP) begin
                        bad_index[found*32 +: 32] <= index;
                        bad_value[found*2*WIDTH +: 2*WIDTH] <= seen;
                    end
                    found = found + 1;
                end
            end
            mismatches <= found;
            if (checking + LANES >= count && edges > STAGES) begin
                running <= 0;
                done <= 1;
                // cocotb may end the simulation at any point after this: write the waves out.
                $dumpflush;
            end
        end
    end
endmodule

// Batch testbench for any design with inputs a, b (WIDTH bits) and output p (OUT bits; 2*WIDTH
// for a multiplier), plus clk and rst when PIPELINED is defined.
//
// The cocotb bench writes a chunk of vectors to vectors.bin, one big-endian word per vector made
// of the byte-aligned fields {expected, b, a}, sets `count` and raises `start`. On the next rising
// edge the testbench loads the file with $fread (binary loads several times faster than
// $readmemh); then it applies LANES pairs per clock, one to each of LANES copies of the design,
// and compares every output with its expected value `STAGES + 1` edges after the pair was applied
// (one edge for the testbench's operand register, STAGES for the design's). It counts mismatches,
// keeps the first KEEP (index and value seen) and raises `done`. Python is involved once per
// chunk, not once per vector. Only the signals the bench touches are public to VPI, so that the
// design under test is fully optimised when verilated.
`timescale 1ns/1ps
module mitchell_batch_tb #(
    parameter WIDTH = 8,
    parameter STAGES = 0,
    parameter DEPTH = 1024,
    parameter LANES = 1,
    parameter OUT = 2 * WIDTH
);
    localparam FIELD = ((WIDTH + 7) / 8) * 8;
    localparam OUT_FIELD = ((OUT + 7) / 8) * 8;
    localparam KEEP = 8;
    localparam ADDRESS = $clog2(DEPTH);

    reg clk /*verilator public_flat_rw*/ = 0;
    reg rst /*verilator public_flat_rw*/ = 0;
    // Left unknown until the first vector, so that an `always @*` design sees an event even when
    // that vector is 0.
    reg [LANES*WIDTH-1:0] a_all /*verilator public_flat_rw*/;
    reg [LANES*WIDTH-1:0] b_all /*verilator public_flat_rw*/;
    wire [LANES*OUT-1:0] p_all /*verilator public_flat_rw*/;

    reg [OUT_FIELD+2*FIELD-1:0] vectors [0:DEPTH-1];
    reg [31:0] count /*verilator public_flat_rw*/ = 0;
    reg start /*verilator public_flat_rw*/ = 0;
    reg running = 0;
    reg done /*verilator public_flat_rw*/ = 0;
    reg [31:0] edges = 0;
    reg [31:0] mismatches /*verilator public_flat_rw*/ = 0;
    reg [KEEP*32-1:0] bad_index /*verilator public_flat_rw*/ = 0;
    reg [KEEP*OUT-1:0] bad_value /*verilator public_flat_rw*/ = 0;

    genvar lane;
    generate
        for (lane = 0; lane < LANES; lane = lane + 1) begin : lanes
`ifdef PIPELINED
            `DUT dut (.clk(clk), .rst(rst), .a(a_all[lane*WIDTH +: WIDTH]),
                      .b(b_all[lane*WIDTH +: WIDTH]), .p(p_all[lane*OUT +: OUT]));
`else
            `DUT dut (.a(a_all[lane*WIDTH +: WIDTH]), .b(b_all[lane*WIDTH +: WIDTH]),
                      .p(p_all[lane*OUT +: OUT]));
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
    integer file;
    integer loaded;
    reg [31:0] found;
    reg [31:0] index;
    reg [OUT-1:0] seen;
    always @(posedge clk) begin
        if (!start) begin
            done <= 0;
        end else if (!running && !done) begin
            file = $fopen("vectors.bin", "rb");
            loaded = $fread(vectors, file, 0, count);
            $fclose(file);
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
                seen = p_all[slot*OUT +: OUT];
                if (edges > STAGES && index < count
                        && seen !== vectors[index[ADDRESS-1:0]][2*FIELD +: OUT]) begin
                    if (found < KEEP) begin
                        bad_index[found*32 +: 32] <= index;
                        bad_value[found*OUT +: OUT] <= seen;
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

// Behavioural references for `mitchell prove`, one module per design of the catalogue, each
// written from the design's definition (the reference sheet's formulas and the papers' cases),
// never from the Amaranth code: no leading-one detector tree, no barrel shifter, no adder over
// {k, x} words. Each is a combinational function of the unsigned operands a and b (W bits) into
// p; mitchell prove adds the sign-magnitude wrapper (ref_sign_in, ref_sign_out) and the
// pipeline's latency (ref_delay) around it. Every intermediate is wide enough to hold its value
// exactly; only p is cut to its port width, where each design's result is known to fit.

// The characteristic k = floor(log2 n) (the index of the leading one) and the residue
// r = n - 2^k of n > 0; for n = 0, zero is set and k and r are 0.
module ref_log #(parameter W = 8) (
    input      [W-1:0] n,
    output reg [7:0]   k,
    output reg [W-1:0] r,
    output             zero
);
    integer i;
    reg [W:0] one;
    assign zero = n == 0;
    always @* begin
        k = 0;
        for (i = 0; i < W; i = i + 1)
            if (n[i]) k = i;
        one = 1;
        r = zero ? 0 : n - (one << k);
    end
endmodule

// Mitchell's antilogarithm of a characteristic k plus a fraction sum t = x1 + x2 held in units of
// 2^-F (t < 2^(F+1)), the paper's two cases, truncated to an integer:
// floor(2^k * (1 + t/2^F)) when t < 2^F, else floor(2^(k+1) * t/2^F). OW is the output width;
// k + 1 may not exceed OW.
module ref_antilog #(parameter F = 7, parameter OW = 16) (
    input  [F:0]    t,
    input  [7:0]    k,
    output [OW-1:0] p
);
    localparam [F+1:0] ONE = {1'b1, {F{1'b0}}};
    reg [OW+F+2:0] wide, value;
    always @* begin
        wide = t;
        if (t < ONE)
            value = ((wide + ONE) << k) >> F;
        else
            value = (wide << (k + 1)) >> F;
    end
    assign p = value[OW-1:0];
endmodule

// Mitchell 1962, the integer form: s = r1 * 2^k2 + r2 * 2^k1, P' = 2^(k1+k2) + s if
// s < 2^(k1+k2), else 2s; 0 when an operand is 0. With F fraction bits kept (F < W - 1), each
// mantissa x = r / 2^k is first truncated to floor(x * 2^F) / 2^F: that is r with its bits below
// k - F cleared (none when k <= F), over 2^k, after which the same form is exact.
module ref_mitchell #(parameter W = 8, parameter F = W - 1) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    wire [7:0] k1, k2;
    wire [W-1:0] r1, r2;
    wire zero1, zero2;
    ref_log #(.W(W)) log1 (.n(a), .k(k1), .r(r1), .zero(zero1));
    ref_log #(.W(W)) log2 (.n(b), .k(k2), .r(r2), .zero(zero2));
    reg [2*W+1:0] t1, t2, s, base, value;
    always @* begin
        t1 = r1;
        t2 = r2;
        // (A constant condition: with every fraction bit kept, no masking logic is built.)
        if (F < W - 1) begin
            if (k1 > F) t1 = (t1 >> (k1 - F)) << (k1 - F);
            if (k2 > F) t2 = (t2 >> (k2 - F)) << (k2 - F);
        end
        s = (t1 << k2) + (t2 << k1);
        base = 1;
        base = base << (k1 + k2);
        if (zero1 || zero2)
            value = 0;
        else if (s < base)
            value = base + s;
        else
            value = s << 1;
    end
    assign p = value[2*W-1:0];
endmodule

// Mitchell 1962, the residue form, all fraction bits: S = (r1 << k2) + (r2 << k1),
// T = 2^(k1+k2), P' = (S < T) ? (S | T) : (S << 1). A second reference for ref_mitchell.
module ref_mitchell_residue #(parameter W = 8) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    wire [7:0] k1, k2;
    wire [W-1:0] r1, r2;
    wire zero1, zero2;
    ref_log #(.W(W)) log1 (.n(a), .k(k1), .r(r1), .zero(zero1));
    ref_log #(.W(W)) log2 (.n(b), .k(k2), .r(r2), .zero(zero2));
    reg [2*W+1:0] wide1, wide2, s, t;
    always @* begin
        wide1 = r1;
        wide2 = r2;
        s = (wide1 << k2) + (wide2 << k1);
        t = 1;
        t = t << (k1 + k2);
    end
    assign p = (zero1 || zero2) ? 0 : (s < t) ? (s | t) : (s << 1);
endmodule

// The mantissa x = r / 2^k of an operand truncated to B binary places, as an integer in units of
// 2^-B: floor(r * 2^B / 2^k).
module ref_mantissa #(parameter W = 8, parameter B = 7) (
    input  [W-1:0] r,
    input  [7:0]   k,
    output [B:0]   m
);
    reg [W+B:0] wide;
    always @* begin
        wide = r;
        wide = (wide << B) >> k;
    end
    assign m = wide[B:0];
endmodule

// Mitch-w (Kim et al. 2019): each operand cut to WT bits from its leading one, the last of them
// set to 1, i.e. the mantissa truncated to WT - 2 places plus half a unit of the last:
// x' = (2 * floor(x * 2^(WT-2)) + 1) / 2^(WT-1); then Mitchell on x1' + x2' (WT - 1 places).
module ref_mitch_w #(parameter W = 8, parameter WT = 8, parameter CI = 0) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    localparam F = WT - 1;
    wire [7:0] k1, k2;
    wire [W-1:0] r1, r2;
    wire zero1, zero2;
    wire [WT-2:0] m1, m2;
    wire [2*W-1:0] product;
    ref_log #(.W(W)) log1 (.n(a), .k(k1), .r(r1), .zero(zero1));
    ref_log #(.W(W)) log2 (.n(b), .k(k2), .r(r2), .zero(zero2));
    ref_mantissa #(.W(W), .B(WT - 2)) mantissa1 (.r(r1), .k(k1), .m(m1));
    ref_mantissa #(.W(W), .B(WT - 2)) mantissa2 (.r(r2), .k(k2), .m(m2));
    // CI (DR-ALM's carry-in) cannot overflow: each operand's last place is 1, so the sum of two
    // is even and at most 2^(F+1) - 2.
    wire [F:0] t = {m1, 1'b1} + {m2, 1'b1} + CI;
    ref_antilog #(.F(F), .OW(2 * W)) antilog (.t(t), .k(k1 + k2), .p(product));
    assign p = (zero1 || zero2) ? 0 : product;
endmodule

// DR-ALM (Yin et al. 2021): Mitch-w with WT = T and one more half unit of the last place added
// to the sum: x1' + x2' + 2^-(T-1); then Mitchell (T - 1 places).
module ref_dr_alm #(parameter W = 8, parameter T = 6) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    ref_mitch_w #(.W(W), .WT(T), .CI(1)) mitch_w (.a(a), .b(b), .p(p));
endmodule

// MBM (Saadat et al. 2018): mantissas truncated to F places; C = floor(2^F / 12) is added to the
// fraction of x1 + x2 when it is below 1, C/2 = floor(2^F / 24) to its fraction when it is not
// (the characteristic is then one higher), unless the corrected fraction would reach 1, in which
// case it stays uncorrected; then the antilogarithm.
module ref_mbm #(parameter W = 8, parameter F = W - 1) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    wire [7:0] k1, k2;
    wire [W-1:0] r1, r2;
    wire zero1, zero2;
    wire [F:0] m1, m2;
    wire [2*W-1:0] product;
    ref_log #(.W(W)) log1 (.n(a), .k(k1), .r(r1), .zero(zero1));
    ref_log #(.W(W)) log2 (.n(b), .k(k2), .r(r2), .zero(zero2));
    ref_mantissa #(.W(W), .B(F)) mantissa1 (.r(r1), .k(k1), .m(m1));
    ref_mantissa #(.W(W), .B(F)) mantissa2 (.r(r2), .k(k2), .m(m2));
    localparam [F+1:0] ONE = {1'b1, {F{1'b0}}};
    reg [F+1:0] t, fraction, corrected, sum;
    always @* begin
        t = m1 + m2;
        fraction = t < ONE ? t : t - ONE;
        corrected = fraction + (t < ONE ? ONE / 12 : ONE / 24);
        if (corrected < ONE) fraction = corrected;
        sum = t < ONE ? fraction : fraction + ONE;
    end
    ref_antilog #(.F(F), .OW(2 * W)) antilog (.t(sum[F:0]), .k(k1 + k2), .p(product));
    assign p = (zero1 || zero2) ? 0 : product;
endmodule

// REALM (after Saadat et al. 2020): mantissas truncated to F places, plus one unit when truncated
// (half a unit appended to each); the segment's factor TABLE[(i << M) | j] (64 bits an entry,
// i and j the top MS = min(M, F) places of x1 and x2) added to the fraction of x1 + x2 when it is below 1,
// half of it (floored) when it is not (the characteristic is then one higher). A corrected
// fraction that reaches 1 is, below 1, halved (floored) into the next binade (the
// characteristic one higher), and at or above 1 capped at 1 - 2^-F; then the antilogarithm.
module ref_realm #(parameter W = 8, parameter F = W - 1, parameter M = 3,
                   parameter [F*(1<<(2*(M < F ? M : F)))-1:0] TABLE = 0) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    wire [7:0] k1, k2;
    wire [W-1:0] r1, r2;
    wire zero1, zero2;
    wire [F:0] m1, m2;
    wire [2*W-1:0] product;
    ref_log #(.W(W)) log1 (.n(a), .k(k1), .r(r1), .zero(zero1));
    ref_log #(.W(W)) log2 (.n(b), .k(k2), .r(r2), .zero(zero2));
    ref_mantissa #(.W(W), .B(F)) mantissa1 (.r(r1), .k(k1), .m(m1));
    ref_mantissa #(.W(W), .B(F)) mantissa2 (.r(r2), .k(k2), .m(m2));
    localparam MS = M < F ? M : F;
    localparam [F+1:0] ONE = {1'b1, {F{1'b0}}};
    // Each factor is below ONE (F bits), so F + 3 bits hold every sum below.
    reg [F+2:0] t, fraction, factor, sum;
    reg [7:0] k;
    integer segment;
    always @* begin
        t = m1 + m2 + (F < W - 1 ? 1 : 0);
        segment = ((m1 >> (F - MS)) << MS) + (m2 >> (F - MS));
        factor = TABLE[F * segment +: F];
        k = k1 + k2;
        if (t < ONE) begin
            fraction = t + factor;
            if (fraction >= ONE) begin
                fraction = (fraction - ONE) / 2;
                k = k + 1;
            end
            sum = fraction;
        end else begin
            fraction = t - ONE + factor / 2;
            if (fraction >= ONE) fraction = ONE - 1;
            sum = fraction + ONE;
        end
    end
    ref_antilog #(.F(F), .OW(2 * W)) antilog (.t(sum[F:0]), .k(k), .p(product));
    assign p = (zero1 || zero2) ? 0 : product;
endmodule

// ALM-SOA (Liu et al. 2018): the logarithms as fixed-point words k * 2^F + x * 2^F (F = W - 1,
// exact), added with the low WS bits of the sum forced to 1 and the carry into the upper part
// the AND of the two words' bit WS - 1; the sum's characteristic and fraction then go through
// the antilogarithm 2^k * (1 + f/2^F).
module ref_alm_soa #(parameter W = 8, parameter WS = 3) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    localparam F = W - 1;
    wire [7:0] k1, k2;
    wire [W-1:0] r1, r2;
    wire zero1, zero2;
    wire [F:0] m1, m2;
    wire [2*W-1:0] product;
    ref_log #(.W(W)) log1 (.n(a), .k(k1), .r(r1), .zero(zero1));
    ref_log #(.W(W)) log2 (.n(b), .k(k2), .r(r2), .zero(zero2));
    ref_mantissa #(.W(W), .B(F)) mantissa1 (.r(r1), .k(k1), .m(m1));
    ref_mantissa #(.W(W), .B(F)) mantissa2 (.r(r2), .k(k2), .m(m2));
    reg [F+9:0] word1, word2, total;
    reg carry;
    reg [7:0] k;
    always @* begin
        word1 = k1;
        word1 = (word1 << F) + m1;
        word2 = k2;
        word2 = (word2 << F) + m2;
        carry = word1[WS-1] & word2[WS-1];
        total = (((word1 >> WS) + (word2 >> WS) + carry) << WS) | {WS{1'b1}};
        k = total >> F;
    end
    ref_antilog #(.F(F), .OW(2 * W)) antilog (.t({1'b0, total[F-1:0]}), .k(k), .p(product));
    assign p = (zero1 || zero2) ? 0 : product;
endmodule

// ILM (Babic et al. 2011): the basic block 2^(k1+k2) + r1 * 2^k2 + r2 * 2^k1 (0 when an operand
// is 0), plus the same block on the residues, C times over.
module ref_ilm #(parameter W = 8, parameter C = 1) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    // Block j takes operands x[j], y[j] (W bits each, in slice j) and hands on their residues.
    wire [(C+2)*W-1:0] x, y;
    wire [(C+2)*(2*W+8)-1:0] partial;
    assign x[W-1:0] = a;
    assign y[W-1:0] = b;
    assign partial[2*W+7:0] = 0;
    genvar j;
    generate
        for (j = 0; j <= C; j = j + 1) begin : block
            wire [7:0] k1, k2;
            wire zero1, zero2;
            reg [2*W+7:0] wide1, wide2, term;
            ref_log #(.W(W)) log1 (.n(x[j*W +: W]), .k(k1), .r(x[(j+1)*W +: W]), .zero(zero1));
            ref_log #(.W(W)) log2 (.n(y[j*W +: W]), .k(k2), .r(y[(j+1)*W +: W]), .zero(zero2));
            always @* begin
                wide1 = x[(j+1)*W +: W];
                wide2 = y[(j+1)*W +: W];
                term = 1;
                term = (term << (k1 + k2)) + (wide1 << k2) + (wide2 << k1);
                if (zero1 || zero2) term = 0;
            end
            assign partial[(j+1)*(2*W+8) +: 2*W+8] = partial[j*(2*W+8) +: 2*W+8] + term;
        end
    endgenerate
    assign p = partial[(C+1)*(2*W+8) +: 2*W];
endmodule

// Nearest-one (after Ansari et al. 2021): each operand rounded to its nearest power of two,
// 2^(k+1) when n >= 1.5 * 2^k (ties up), else 2^k, with the signed residue r = n - 2^k';
// P' = 2^(k1'+k2') + r1 * 2^k2' + r2 * 2^k1' with an exact adder; 0 when an operand is 0.
module ref_nearest_one #(parameter W = 8) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    wire [7:0] k1, k2;
    wire [W-1:0] unused1, unused2;
    wire zero1, zero2;
    ref_log #(.W(W)) log1 (.n(a), .k(k1), .r(unused1), .zero(zero1));
    ref_log #(.W(W)) log2 (.n(b), .k(k2), .r(unused2), .zero(zero2));
    reg [7:0] e1, e2;
    reg signed [2*W+7:0] n1, n2, one, s1, s2, value;
    always @* begin
        n1 = a;
        n2 = b;
        one = 1;
        e1 = (n1 << 1) >= (3 * (one << k1)) ? k1 + 1 : k1;
        e2 = (n2 << 1) >= (3 * (one << k2)) ? k2 + 1 : k2;
        s1 = n1 - (one << e1);
        s2 = n2 - (one << e2);
        value = (one << (e1 + e2)) + (s1 <<< e2) + (s2 <<< e1);
        if (zero1 || zero2) value = 0;
    end
    assign p = value[2*W-1:0];
endmodule

// Truncated multiplier (after Schulte and Swartzlander 1993; merged pairs after Venkatachalam
// and Ko 2017): the partial products a[i] & b[j] of weight 2^(i+j) >= 2^C, plus 2^(C-1) when
// C > 0, except that the first M pairs a[i] & b[j], a[j] & b[i] with i < j, by weight and then
// by increasing i, count once, as their OR.
module ref_truncated #(parameter W = 8, parameter C = 0, parameter M = 0) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    reg [2*W+7:0] sum, one;
    integer column, i, j, pairs;
    always @* begin
        one = 1;
        sum = C > 0 ? one << (C - 1) : 0;
        pairs = 0;
        for (column = C; column < 2 * W - 1; column = column + 1)
            for (i = 0; i < W; i = i + 1) begin
                j = column - i;
                if (j >= 0 && j < W && i <= j) begin
                    if (i == j)
                        sum = sum + ((a[i] & b[j]) ? one << column : 0);
                    else if (pairs < M)
                        sum = sum + (((a[i] & b[j]) | (a[j] & b[i])) ? one << column : 0);
                    else
                        sum = sum + ((a[i] & b[j]) ? one << column : 0)
                                  + ((a[j] & b[i]) ? one << column : 0);
                    if (i < j)
                        pairs = pairs + 1;
                end
            end
    end
    assign p = sum[2*W-1:0];
endmodule

// The exact product.
module ref_exact #(parameter W = 8) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [2*W-1:0] p
);
    wire [2*W-1:0] wide_a = a;
    assign p = wide_a * b;
endmodule

// Mitchell's divider (1962): Q' = 2^(k1-k2) * (1 + x1 - x2) when x1 >= x2, else
// 2^(k1-k2-1) * (2 + x1 - x2). With D = r1 * 2^k2 - r2 * 2^k1 (the sign of x1 - x2), these are
// (2^(k1+k2) + D) / 2^(2 k2) and (2^(k1+k2+1) + D) / 2^(2 k2 + 1). q = floor(Q' * 2^F); q = 0 when
// a = 0; when b = 0, q is all ones and dz is set. p = {dz, q}.
module ref_mitchell_div #(parameter W = 8, parameter F = W) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [W+F:0]   p
);
    wire [7:0] k1, k2;
    wire [W-1:0] r1, r2;
    wire zero1, zero2;
    ref_log #(.W(W)) log1 (.n(a), .k(k1), .r(r1), .zero(zero1));
    ref_log #(.W(W)) log2 (.n(b), .k(k2), .r(r2), .zero(zero2));
    reg signed [3*W+8:0] wide1, wide2, one, d, numerator;
    reg [3*W+8:0] quotient;
    always @* begin
        wide1 = r1;
        wide2 = r2;
        one = 1;
        d = (wide1 << k2) - (wide2 << k1);
        if (d >= 0)
            quotient = (((one << (k1 + k2)) + d) << F) >> (2 * k2);
        else
            quotient = (((one << (k1 + k2 + 1)) + d) << F) >> (2 * k2 + 1);
    end
    assign p = zero2 ? {1'b1, {(W + F){1'b1}}} : zero1 ? 0 : {1'b0, quotient[W+F-1:0]};
endmodule

// The exact quotient floor(a * 2^F / b); when b = 0, q is all ones and dz is set. p = {dz, q}.
module ref_exact_div #(parameter W = 8, parameter F = W) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output [W+F:0]   p
);
    wire [W+F-1:0] dividend = a << F;
    wire [W+F-1:0] quotient = dividend / b;
    assign p = b == 0 ? {1'b1, {(W + F){1'b1}}} : {1'b0, quotient};
endmodule

// Two's-complement operands as magnitudes (that of -2^(W-1) is 2^(W-1), which fits in W bits)
// and the sign of their product.
module ref_sign_in #(parameter W = 8) (
    input  [W-1:0] a,
    input  [W-1:0] b,
    output [W-1:0] magnitude_a,
    output [W-1:0] magnitude_b,
    output         negative
);
    assign magnitude_a = a[W-1] ? -a : a;
    assign magnitude_b = b[W-1] ? -b : b;
    assign negative = a[W-1] ^ b[W-1];
endmodule

// A result with its low D bits cleared (a truncated product), 0 < D < N.
module ref_truncate #(parameter N = 16, parameter D = 1) (
    input  [N-1:0] value,
    output [N-1:0] truncated
);
    assign truncated = {value[N-1:D], {D{1'b0}}};
endmodule

// A magnitude given the sign: its two's complement when negative.
module ref_sign_out #(parameter N = 16) (
    input  [N-1:0] magnitude,
    input          negative,
    output [N-1:0] value
);
    assign value = negative ? -magnitude : magnitude;
endmodule

// S registers in a row, cleared by a synchronous reset: a pipeline's latency with its reset
// behaviour (q is 0 during reset and until the first value after it has gone through).
module ref_delay #(parameter N = 16, parameter S = 1) (
    input          clk,
    input          rst,
    input  [N-1:0] d,
    output [N-1:0] q
);
    // Register i holds slice i + 1; slice 0 is the input.
    wire [(S+1)*N-1:0] line;
    assign line[N-1:0] = d;
    genvar i;
    generate
        for (i = 0; i < S; i = i + 1) begin : stage
            reg [N-1:0] value;
            always @(posedge clk) value <= rst ? 0 : line[i*N +: N];
            assign line[(i+1)*N +: N] = value;
        end
    endgenerate
    assign q = line[S*N +: N];
endmodule

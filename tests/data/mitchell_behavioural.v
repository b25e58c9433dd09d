// Mitchell's multiplier written from the paper's integer form, independently of the Amaranth RTL:
// r = N - 2^k, s = r1*2^k2 + r2*2^k1, P' = 2^(k1+k2) + s if s < 2^(k1+k2), else 2s.
module mitchell_behavioural #(parameter W = 8) (
    input  [W-1:0]   a,
    input  [W-1:0]   b,
    output reg [2*W-1:0] p
);
    integer i, k1, k2;
    reg [2*W:0] one, r1, r2, s, base;
    always @* begin
        k1 = 0;
        k2 = 0;
        for (i = 0; i < W; i = i + 1) begin
            if (a[i]) k1 = i;
            if (b[i]) k2 = i;
        end
        one = 1;
        r1 = a - (one << k1);
        r2 = b - (one << k2);
        s = (r1 << k2) + (r2 << k1);
        base = one << (k1 + k2);
        if (a == 0 || b == 0)
            p = 0;
        else if (s < base)
            p = base + s;
        else
            p = s << 1;
    end
endmodule

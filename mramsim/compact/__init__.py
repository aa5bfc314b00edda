"""Compact model: closed-form R(V, T, state), fit to an RVTable, SPICE/Verilog-A export."""

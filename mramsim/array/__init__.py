"""Array layer: cells, solver, variation, read schemes, margin/BER, disturb."""

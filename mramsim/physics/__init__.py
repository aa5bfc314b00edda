"""Device physics: polarization, barrier tunnelling, coherent filtering, annealing."""

"""Array circuits: 1T-1MTJ topology, netlists, ngspice runner."""

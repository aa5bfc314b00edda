"""Runners of real simulators: ngspice (batch and shared library) and VACASK."""

"""Plots (matplotlib imported lazily). One module per domain; every function
takes ``ax=`` (created when None) and returns the axes it drew on."""

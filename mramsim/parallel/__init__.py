"""Running blocks of work: serial, local processes or Dask, with safe checkpoints."""

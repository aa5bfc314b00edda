"""Run layer: config, executors, the whole flow."""

"""One module per target: pure functions from validated specs to target models (no I/O)."""

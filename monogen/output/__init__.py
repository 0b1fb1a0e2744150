"""The output stage: deterministic text and the only code that writes files."""

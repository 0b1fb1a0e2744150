"""Target models: what the compilers produce and the output stage renders."""

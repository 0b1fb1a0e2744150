"""The input language: positioned YAML loading, spec models and their validation."""

"""monogen: a monitoring-as-code compiler for machine-learning model experiments."""

__version__ = "0.1.0"

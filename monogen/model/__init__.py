"""The build model: rule files and the Alertmanager configuration as values, which the
compilers produce, lint reads and output targets turn into files."""

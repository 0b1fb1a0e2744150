"""Lint: checks over Prometheus rule files, Alertmanager configs and Grafana dashboards,
generated or hand-written. One registry (registry.py) holds every check."""

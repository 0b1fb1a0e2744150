"""Check families, one module each: rules (promtool parity), promql and alerts (what
promtool does not check), alertmanager (amtool parity and more), dashboards."""

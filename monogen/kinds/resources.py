"""Resource usage of the model servers: CPU, memory and disk gauges reading 0-100."""

from __future__ import annotations

from monogen.kinds.threshold import GaugeKind


class _Resource(GaugeKind):
    category = "infrastructure"
    direction = "above"
    unit = "percent"


class Cpu(_Resource):
    key = metric = panel = "cpu"
    alert = "ModelServerHighCpu"
    noun = "CPU usage"
    defaults = (("warning", 80, "10m"),)


class Memory(_Resource):
    key = metric = panel = "memory"
    alert = "ModelServerHighMemory"
    noun = "memory usage"
    defaults = (("warning", 85, "5m"), ("critical", 90, "5m"))


class Disk(_Resource):
    key = metric = panel = "disk"
    alert = "ModelServerHighDisk"
    noun = "disk usage"
    defaults = (("warning", 85, "15m"),)

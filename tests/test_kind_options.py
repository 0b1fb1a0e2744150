"""Typed guardrail options (kinds/base.py `Options`): each kind's guardrails hold its own
`options_type`, and a kind that passes another type, or a mapping, fails where it does."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from monogen.kinds.base import AlertLevel, Guardrail, Options
from monogen.kinds.registry import KINDS
from monogen.kinds.request_rate import RequestRateAnomaly, RequestRateOptions
from monogen.kinds.sample_ratio import SampleRatioMismatch, SampleRatioOptions
from monogen.pipeline import load

SPECS = Path(__file__).resolve().parent.parent / "specs"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_a_kinds_options_type_is_a_frozen_options(kind) -> None:
    cls = kind.options_type
    assert issubclass(cls, Options)
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen


def test_every_guardrail_of_the_examples_holds_its_kinds_options() -> None:
    specs = load([SPECS])
    rails = [r for exp in specs.experiments for r in exp.guardrails]
    wrong = [(r.kind.key, type(r.options).__name__) for r in rails
             if type(r.options) is not r.kind.options_type]  # fmt: skip
    assert wrong == []
    # the examples use kinds with options of their own, so the check above checks them
    typed = {r.kind.key for r in rails if type(r.options) is not Options}
    assert {"requestRateAnomaly", "sampleRatioMismatch", "comparisons", "slos"} <= typed


def test_reading_another_kinds_options_is_a_type_error() -> None:
    level = AlertLevel("warning", 0.5, "15m")
    options = SampleRatioOptions(window="1h", p=0.001, min=1000, shares=(("a", 0.5),))
    rail = Guardrail(RequestRateAnomaly(), (level,), options=options)
    with pytest.raises(TypeError, match="'requestRateAnomaly' guardrail holds "
                       "SampleRatioOptions, not RequestRateOptions"):  # fmt: skip
        RequestRateOptions.of(rail)
    assert (
        SampleRatioOptions.of(Guardrail(SampleRatioMismatch(), (level,), options=options)).p
        == 0.001
    )


def test_a_mapping_is_refused_as_options() -> None:
    with pytest.raises(TypeError, match="takes an Options"):
        Guardrail(RequestRateAnomaly(), (), options={"offset": "1w"})  # type: ignore[arg-type]


def test_a_custom_guardrail_sets_its_own_identity() -> None:
    """The identity fields of `Options` override the kind's; unset ones fall back to it."""
    kind = RequestRateAnomaly()
    mine = Guardrail(kind, (), options=Options(alert="MyAlert", noun="my noun", unit="seconds"))
    assert (mine.alert, mine.noun, mine.unit) == ("MyAlert", "my noun", "seconds")
    assert (mine.category, mine.direction) == ("traffic", "below")
    plain = Guardrail(kind, ())
    assert (plain.alert, plain.unit) == ("ExperimentRequestRateDrop", "ratio")

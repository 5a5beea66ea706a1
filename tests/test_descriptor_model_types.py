"""The descriptor models' literal types say, in order, what the vocabulary tuples say (the JSON schema lists them).

The models annotate fields with ``Literal`` types that mypy can read (``ContinuousKind``, ``options.TimeUnit``, ...)
rather than ``Literal[<tuple>]``; the vocabulary keeps its tuples. These must not drift apart.
"""

from __future__ import annotations

from typing import get_args

import pytest

from trialcompare import options
from trialcompare.descriptor import vocabulary
from trialcompare.descriptor.models import Continuous, Effect, EndpointReport
from trialcompare.descriptor.models_baseline import ContinuousKind


def test_continuous_kinds_are_the_vocabulary_s() -> None:
    assert get_args(ContinuousKind) == vocabulary.CONTINUOUS_KINDS


@pytest.mark.parametrize(("literal", "values"), [
    (options.TimeUnit, options.TIME_UNITS),
    (options.Measure, options.MEASURES),
    (options.Sidedness, options.SIDEDNESS),
])
def test_option_literals_are_their_tuples(literal: object, values: tuple[str, ...]) -> None:
    assert get_args(literal) == values


def test_the_models_accept_exactly_those_values() -> None:
    schema = {name: model.model_json_schema() for name, model in
              (("continuous", Continuous), ("endpoint", EndpointReport), ("effect", Effect))}
    assert schema["continuous"]["properties"]["kind"]["enum"] == list(vocabulary.CONTINUOUS_KINDS)
    assert schema["effect"]["properties"]["measure"]["enum"] == list(options.MEASURES)
    assert schema["endpoint"]["properties"]["statistic"]["enum"] == ["median", "rate", "events", "censored",
                                                                     "n_analysed"]
    assert schema["endpoint"]["properties"]["unit"]["enum"] == list(options.TIME_UNITS)

"""Newcomer friction 11: an unknown variable suggests its synonym and lists the variables; a misspelt choice of a
field suggests the nearest; ``schema --vocabulary`` prints the vocabulary as a readable list."""

from __future__ import annotations

import pytest

import trialcompare as tc
from trialcompare.cli import main
from trialcompare.descriptor.vocabulary import ENDPOINTS, RATES, SYNONYMS, VARIABLES, suggest_variable


@pytest.mark.parametrize(("written", "meant"), [
    ("gender", "sex"), ("Gender", "sex"), ("performance status", "ecog"), ("ps", "ecog"), ("WHO", "ecog"),
    ("performance-status", "ecog"), ("ecgo", "ecog"), ("histology", "subtype"),
])
def test_synonyms_and_near_names(written, meant):
    assert suggest_variable(written) == f"; did you mean {meant!r}?"


def test_every_synonym_names_a_variable():
    assert set(SYNONYMS.values()) <= set(VARIABLES) and not set(SYNONYMS) & set(VARIABLES)


def _load(tmp_path, text):
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(tc.DescriptorError) as info:
        tc.load(path)
    return str(info.value)


def test_an_unknown_variable_in_a_descriptor(tmp_path, valid_text):
    message = _load(tmp_path, valid_text.replace("  - variable: sex ", "  - variable: gender ", 1))
    assert "unknown variable 'gender'; did you mean 'sex'? (variables: age, age_group, sex, ecog," in message
    assert "schema --vocabulary" in message and message.startswith(str(tmp_path / "demo.yaml") + ":")


def test_a_misspelt_choice_suggests_the_nearest(tmp_path, valid_text):
    message = _load(tmp_path, valid_text.replace("{statistic: median,", "{statistic: medain,", 1))
    assert "statistic: Input should be 'median'" in message and message.endswith("; did you mean 'median'?")
    message = _load(tmp_path, valid_text.replace("n_refers_to: efficacy", "n_refers_to: efficasy", 1))
    assert "did you mean 'efficacy'?" in message


def test_schema_vocabulary(capsys):
    assert main(["schema", "--vocabulary"]) == 0
    out = capsys.readouterr().out
    assert not out.lstrip().startswith("{")
    lines = out.splitlines()
    for v in VARIABLES.values():
        line = next(ln for ln in lines if ln.split()[:1] == [v.name])
        assert v.kind in line and all(level in line for level in v.levels)
    assert all(any(ln.split()[:1] == [e] for ln in lines) for e in (*ENDPOINTS, *RATES))
    assert "Time units (unit:): months, weeks, days, years" in lines
    assert "also: gender" in out

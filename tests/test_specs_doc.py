"""Newcomer friction 12: docs/specs.md documents every report-spec field and the page-1 sentence of each
``comparators_selected`` value; ``authors-choice`` without a ``claim:`` is refused at its line."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

import trialcompare as tc
from trialcompare.appraise.facts import fact
from trialcompare.cli import main
from trialcompare.render import phrasebook as pb
from trialcompare.spec import Claim, MetaSpec, Spec, load_spec

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "specs.md").read_text(encoding="utf-8")
SELECTIONS = typing.get_args(Spec.model_fields["comparators_selected"].annotation)


def test_every_spec_field_is_documented():
    fields = set(Spec.model_fields) - {"path", "positions"}
    missing = [f for f in fields if f"`{f}`" not in DOC]
    missing += [f"meta.{f}" for f in MetaSpec.model_fields if f"`meta.{f}`" not in DOC]
    missing += [f"claim.{f}" for f in Claim.model_fields if f"\n  {f}:" not in DOC]
    assert not missing, missing
    assert "docs/specs.md" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("selection", SELECTIONS)
def test_each_selection_has_its_page_1_sentence(selection):
    assert f"| `{selection}` |" in DOC
    sentence = pb.say(fact("comparator-selection", k=6, selection=selection), pb.Words({}))
    assert f'"{sentence.replace("The 6 ", "The N ")}"' in DOC, sentence


def _spec(tmp_path: Path, body: str) -> Path:
    (tmp_path / "trials").mkdir(exist_ok=True)
    for cid in ("apatinib-ie", "ie"):
        (tmp_path / "trials" / f"{cid}.yaml").write_text((REPO / "trials" / f"{cid}.yaml").read_text("utf-8"))
    path = tmp_path / "mine.yaml"
    path.write_text('name: mine\ntitle: "T"\ntrials: [trials]\n' + body, encoding="utf-8")
    return path


def test_authors_choice_needs_the_claim(tmp_path, capsys):
    path = _spec(tmp_path, "cohorts: [apatinib-ie, ie]\ncomparators_selected: authors-choice\n")
    with pytest.raises(tc.DescriptorError) as info:
        load_spec(path)
    assert (info.value.line, info.value.column) == (5, 1)
    assert "authors-choice" in info.value.message and "claim:" in info.value.message
    out = tmp_path / "r.html"
    assert main(["report", str(path), "--html", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5:1: comparators_selected: authors-choice" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("body", [
    "comparators_selected: convenience\n",
    "comparators_selected: authors-choice\nclaim: {text: \"A beats B\", at: Results}\n",
])
def test_other_selections_and_a_claimed_authors_choice_load(tmp_path, body):
    assert load_spec(_spec(tmp_path, body)).comparators_selected in SELECTIONS


def test_the_shipped_specs_load():
    for path in sorted((REPO / "reports").glob("*.yaml")):
        load_spec(path)

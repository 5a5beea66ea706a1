"""The benchmark's scenarios and subgroups: one that changes nothing, or cannot be pooled, is said in one line
(issue 11, Build 5: "a subgroup identical to another or a scenario that changes nothing is said in one line").

Derivation for the Table IV spec (reports/table-iv.yaml): the ORR benchmark pools the comparators of apatinib + IE
except IE, which shares registration NCT04690231 with it, and apatinib + camrelizumab, which shares its centre with
overlapping accrual (issue 19, item 8: every exclusion rule applies to every cohort): apatinib 16/37 alone.
Scenarios "without-ie-overlap" (IE already out), "prospective-only" (the reference, never pooled, and IE),
"declared-n" (apatinib + camrelizumab read against 41, but it is out) and "only-apatinib" (apatinib + camrelizumab
already out) all leave the same one comparator: they change nothing. One comparator: one design group, one endpoint
group.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import trialcompare as tc
from trialcompare.meta import benchmark, benchmark_variants, variant_facts
from trialcompare.render import phrasebook as pb

REPO = Path(__file__).resolve().parents[1]
SEEDS = [REPO / "trials" / f"{cid}.yaml" for cid in ("apatinib-ie", "apatinib", "apatinib-camrelizumab", "ie")]


def _scenario(name: str, exclude=(), denominators=None) -> dict:
    return {"name": name, "description": "", "exclude": list(exclude), "denominators": denominators or {},
            "use_errata": None, "substitute_endpoint": {}}


@pytest.fixture(scope="module")
def variants() -> pl.DataFrame:
    cs = tc.load(*SEEDS)
    den = {"apatinib-camrelizumab": 43}
    b = benchmark(cs, "orr", "apatinib-ie", denominators=den, prefer_locations=("Table IV",))
    assert b.comparators["cohort"].to_list() == ["apatinib"]
    scenarios = [_scenario("without-ie-overlap", ["ie"]),
                 _scenario("declared-n", denominators={"apatinib-camrelizumab": 41}),
                 _scenario("prospective-only", ["apatinib-ie", "ie"]),
                 _scenario("only-apatinib", ["apatinib-camrelizumab"])]
    return benchmark_variants(cs, [b], scenarios, denominators=den, prefer_locations=("Table IV",))


def test_scenarios_that_change_nothing_are_flagged(variants: pl.DataFrame) -> None:
    scen = {r["name"]: (r["reason"], r["k"]) for r in variants.filter(kind="scenario").iter_rows(named=True)}
    assert scen == {"without-ie-overlap": ("no-change", 1), "declared-n": ("no-change", 1),
                    "prospective-only": ("no-change", 1), "only-apatinib": ("no-change", 1)}
    assert not variants["worth_showing"].any()


def test_subgroups_of_one_group_are_flagged(variants: pl.DataFrame) -> None:
    subs = {r["name"]: (r["reason"], r["groups"]) for r in variants.filter(kind="subgroup").iter_rows(named=True)}
    assert subs == {"design": ("single-group", 1), "endpoint": ("single-group", 1)}


def _words(variants: pl.DataFrame, outcome: str) -> str:
    return " ".join(pb.say(f) for f in variant_facts(variants, outcome))


def test_the_report_says_each_in_one_line(variants: pl.DataFrame) -> None:
    text = _words(variants, "orr")
    assert text.count("change nothing: the same comparators as the primary.") == 1
    assert "‘without-ie-overlap’" in text and "‘only-apatinib’ change nothing" in text
    assert "Subgroups by design and by endpoint: the comparators form one group" in text
    assert _words(variants, "dcr") == ""


def test_identical_partitions_and_results_in_words() -> None:
    rows = pl.DataFrame({
        "outcome": ["orr"] * 3, "kind": ["subgroup", "subgroup", "scenario"], "name": ["design", "endpoint", "s"],
        "k": [3, 3, 4], "worth_showing": [True, False, True], "reason": [None, "same-partition", None],
        "same_as": [None, "design", None], "groups": [2, 2, None], "pooled": [None, None, 0.4],
        "pooled_low": [None, None, 0.3], "pooled_high": [None, None, 0.5], "pi_low": [None, None, 0.1],
        "pi_high": [None, None, 0.8], "position": [None, None, "above"]})
    text = _words(rows, "orr")
    assert "Subgroups by endpoint are identical to subgroups by design." in text
    assert "Scenario ‘s’ (k = 4): pooled comparators 40.0% (30.0–50.0), prediction interval 10.0–80.0%; " \
           "the reference lies above it." in text

"""Words of the population adjustment's facts and of the limitations the caveats do not cover."""

from __future__ import annotations

from ...appraise.facts import Fact, fact
from ._core import ENDPOINT_NAMES, Words, _factors, factor_name, join, phrase

# ---------------------------------------------------------------------------------------------------------------
# --- population adjustment (MAIC) ---

_LEVEL_WORDS = {("lesion_site", "lung"): "lung-only disease", ("prior_lines", "1"): "one prior line",
                ("sex", "male"): "male sex", ("subtype", "canonical"): "conventional subtype"}
_VARIABLE_WORDS = {"lesion_site": "disease site", "prior_lines": "prior lines", "ecog": "ECOG", "sex": "sex",
                   "subtype": "subtype", "age": "age"}


def _level(variable: object, level: object) -> str:
    known = _LEVEL_WORDS.get((str(variable), str(level)))
    return known or f"{_VARIABLE_WORDS.get(str(variable), str(variable).replace('_', ' '))} {level}"


@phrase(fact("maic-diagnostics", n_ipd=33, n_eligible=15, ess=6.4, ess_share=43, max_share=21, top5_share=83,
             informative=False, min_ess=10, min_share=20))
def _maic_diagnostics(f: Fact, w: Words) -> str:
    eligible = (f"{f['n_eligible']} of the {f['n_ipd']} patients meet the comparator's eligibility"
                if f["n_eligible"] != f["n_ipd"] else f"all {f['n_ipd']} patients meet the comparator's eligibility")
    shares = "" if f["max_share"] is None else (f"; the largest weight carries {f['max_share']}% of the total and the "
                                                f"five largest {f['top5_share']}%")
    verdict = ("uninformative, shown for completeness" if not f["informative"] else "informative by that rule")
    return (f"{eligible}; weighting leaves an effective sample size of {f['ess']} ({f['ess_share']}% of "
            f"{f['n_eligible']}){shares}. By the rule stated in advance (ESS below {f['min_ess']} or below "
            f"{f['min_share']}% of the patients weighted) the MAIC is {verdict}.")


@phrase(fact("maic-population", target="b", shares=(("lesion_site", "lung", 73), ("prior_lines", "1", 84)),
             age=21.7))
def _maic_population(f: Fact, w: Words) -> str:
    parts = [f"{_level(v, lv)} {pct}%" for v, lv, pct in f.rows("shares")]
    if f["age"] is not None:
        parts.append(f"mean age {f['age']}")
    return (f"The adjusted estimates apply to {w.cohort(f['target'])}'s population" +
            (f" ({', '.join(parts)})" if parts else "") + ", not to the population the claim is about.")


@phrase(fact("maic-unmatched", levels=("prior_lines:1", "sex:male"), unreported=("refractory", "lesion_number")))
def _maic_unmatched(f: Fact, w: Words) -> str:
    levels = [_level(*str(x).split(":", 1)) if ":" in str(x) else factor_name(x) for x in f.tokens("levels")]
    parts = []
    if levels:
        parts.append(f"not matched: {join(levels)}")
    if f["unreported"]:
        parts.append(f"reported by no cohort: {_factors(f.tokens('unreported'))}")
    body = "; ".join(parts) if parts else "none is left unmatched"
    return (f"Unanchored, the MAIC assumes that the factors it does not match are balanced — {body}. Their bias "
            "cannot be estimated from these data.")


@phrase(fact("maic-endpoint-mismatch", ipd="EFS", comparator="PFS", target="b"))
def _maic_endpoint(f: Fact, w: Words) -> str:
    return (f"The patient data's {ENDPOINT_NAMES.get(str(f['ipd']), f['ipd'])} is set beside "
            f"{w.cohort(f['target'])}'s {ENDPOINT_NAMES.get(str(f['comparator']), f['comparator'])}: different "
            "endpoints, which no weighting reconciles.")


@phrase(fact("maic-assessment", cohort="a", target="b"))
def _maic_assessment(f: Fact, w: Words) -> str:
    return (f"{w.cohort(f['cohort'])}'s responses were read retrospectively; re-weighting cannot make them comparable "
            f"with {w.cohort(f['target'])}'s trial assessment.")


@phrase(fact("maic-overlap", cohort="a", target="b"))
def _maic_overlap(f: Fact, w: Words) -> str:
    return (f"{w.cohort(f['cohort'])} includes patients who had been treated in {w.cohort(f['target'])}'s setting "
            "(as the source prints): the two samples may not be independent, which the MAIC assumes.")


# ---------------------------------------------------------------------------------------------------------------
# --- limitations the caveats do not cover ---


@phrase(fact("selection-exclusions", cohort="a"))
def _selection_exclusions(f: Fact, w: Words) -> str:
    return (f"{w.cohort(f['cohort'])} excluded patients after treatment began (incomplete records or follow-up, "
            "fewer courses for reasons other than progression or toxicity), as its source prints: the series keeps "
            "those who did well enough to stay.")


@phrase(fact("assessment-retrospective", retrospective=("a",), unreviewed=("b",)))
def _assessment_retrospective(f: Fact, w: Words) -> str:
    parts = []
    if f["retrospective"]:
        parts.append(f"responses of {w.cohorts(f.tokens('retrospective'))} were read retrospectively, from records, "
                     "without confirmation")
    if f["unreviewed"]:
        parts.append(f"{w.cohorts(f.tokens('unreviewed'))} had no independent review")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + ": response rates are not measured alike across cohorts."


@phrase(fact("age-eligibility", reference="r", reference_min=3.0, cohorts=(("a", 16.0), ("b", 12.0))))
def _age_eligibility(f: Fact, w: Words) -> str:
    limits = join([f"{w.cohort(c)} from age {m:g}" for c, m in f.rows("cohorts")])
    ref = (f"{w.cohort(f['reference'])} states no age limit" if f["reference_min"] is None else
           f"{w.cohort(f['reference'])} from age {f['reference_min']:g}")
    return f"Age eligibility differs: {limits}, while {ref} (children are in the reference, not in those trials)."


@phrase(fact("mixed-histology", cohorts=(("a", 27, 48), ("b", 40, 51))))
def _mixed_histology(f: Fact, w: Words) -> str:
    rows = f.rows("cohorts")
    mixes = join([f"{w.cohort(c)} ({k} of {n} patients)" for c, k, n in rows])
    its = "their" if len(rows) > 1 else "its"
    return (f"Osteosarcoma is only part of {mixes}: {its} numbers describe a mix of bone sarcomas, not "
            "osteosarcoma alone.")


@phrase(fact("overlap-printed", cohort="a", other="b", kind="prior-treatment"))
def _overlap_printed(f: Fact, w: Words) -> str:
    what = {"prior-treatment": f"patients who had progressed on {w.cohort(f['other'])}'s treatment",
            "shared-patients-stated": f"patients also in {w.cohort(f['other'])}"}.get(
        str(f["kind"]), f"patients linked to {w.cohort(f['other'])}")
    return (f"{w.cohort(f['cohort'])} includes, as its source prints, {what}: direct evidence that the two cohorts may "
            "not be independent.")


@phrase(fact("harms-ascertainment", retrospective=("a",), prospective=("b",)))
def _harms_ascertainment(f: Fact, w: Words) -> str:
    retrospective, prospective = w.cohorts(f.tokens("retrospective")), w.cohorts(f.tokens("prospective"))
    return (f"Harms were found by retrospective chart review in {retrospective} and by prospective grading in "
            f"{prospective}: a chart review finds fewer adverse events, so the harms comparison is not like with like.")


@phrase(fact("harms-not-assessable"))
def _harms_not_assessable(f: Fact, w: Words) -> str:
    return "not assessable from the published harms counts"


@phrase(fact("report-date-before-cited", report="2026-11-25", cited="2026-12-01", file="a.yaml"))
def _report_date(f: Fact, w: Words) -> str:
    return (f"This report is dated {f['report']} but {f['file']} cites {f['cited']}: a report cannot cite what came "
            "after it; its spec's date should be at least that.")

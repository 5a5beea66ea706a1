"""Words of the risk-of-bias facts (ROBINS-I domains, designs, reasons)."""

from __future__ import annotations

from collections.abc import Mapping

from ...appraise.facts import Fact, fact
from ._core import Words, join, phrase

# --- risk of bias ---
# Facts of trialcompare.appraise.risk_of_bias: ``rob-overall`` (page 1) and ``rob-domain`` (one table cell).

ROB_DOMAINS: dict[str, str] = {
    "confounding": "confounding",
    "selection": "selection of participants",
    "classification": "classification of interventions",
    "deviations": "deviations from intended interventions",
    "missing-data": "missing data",
    "measurement": "measurement of outcomes",
    "reported-result": "selection of the reported result",
}
"""ROBINS-I domain names by code."""

ROB_DESIGNS: dict[str, str] = {"retrospective": "retrospective series", "prospective": "prospective trial",
                               "randomised-arm": "arm of a randomised study"}
"""Design words by code."""

ROB_REASONS: dict[str, str] = {
    "cross-study-unadjusted": "a comparison across studies, nothing adjusted",
    "overlap-printed": "the source prints that patients may be shared with another cohort",
    "exclusions-after-start": "patients excluded after treatment began",
    "prospective-enrolment": "patients enrolled before treatment, by the protocol",
    "complete-inclusion": "consecutive or all eligible patients, none excluded after treatment began",
    "exclusions-not-reported": "whether patients were excluded after treatment began is not reported",
    "selection-not-reported": "how patients were selected is not reported",
    "classified-retrospectively": "the treatment received was classified after the fact",
    "classified-at-start": "the treatment was classified when it began",
    "protocol-defined": "the treatment was defined by the protocol",
    "classification-not-reported": "how the treatment received was recorded is not reported",
    "co-intervention-resection": "resection during or after treatment, a co-intervention the comparators may lack",
    "no-resection-reported": "no complete surgical remission reported",
    "deviations-not-reported": "co-interventions and deviations are not reported",
    "excluded-for-missing-data": "patients with incomplete records or follow-up were excluded",
    "missing-counted-as-failure": "patients without assessment counted as failures",
    "analysed-all": "all enrolled patients analysed",
    "few-missing": "a few enrolled patients not analysed, reasons not given",
    "many-missing": "many enrolled patients not analysed",
    "missing-not-reported": "patients analysed against enrolled is not reported",
    "retrospective-assessment": "response read back from routine records",
    "retrospective-independent-review": "response read back from records, with independent review",
    "independent-or-blinded": "independent or blinded assessment",
    "investigator-assessed": "assessed by the investigators",
    "review-not-reported": "whether response was reviewed independently is not reported",
    "assessment-not-reported": "how response was assessed is not reported",
    "retrospective-no-protocol": "no analysis plan before the data existed",
    "registered-protocol": "a registered protocol",
    "registration-not-reported": "no registration recorded",
}
"""Words for every reason code of :data:`trialcompare.appraise.risk_of_bias.REASONS`."""


def _rob(table: Mapping[str, str], token: object) -> str:
    return table.get(str(token), str(token))


def _rob_domains(f: Fact) -> str:
    from itertools import zip_longest

    pairs = zip_longest(f.tokens("domains"), f.tokens("reasons"))
    return join([(_rob(ROB_DOMAINS, d) if d is not None else "another domain")
                 + (f" ({_rob(ROB_REASONS, r)})" if r is not None else "") for d, r in pairs] or ["no domain"])


@phrase(fact("rob-overall", cohort="a", design="retrospective", judgement="serious",
             domains=("selection", "measurement"), reasons=("exclusions-after-start", "retrospective-assessment")))
def _rob_overall(f: Fact, w: Words) -> str:
    who = f"{w.cohort(f['cohort'])} ({_rob(ROB_DESIGNS, f['design'])})"
    if f["judgement"] == "no-information":
        return f"{who}: too little information to judge the risk of bias (ROBINS-I) in {_rob_domains(f)}."
    return f"{who}: {f['judgement']} risk of bias (ROBINS-I) in {_rob_domains(f)}."


@phrase(fact("rob-domain", cohort="a", domain="selection", judgement="serious", reason="exclusions-after-start"))
def _rob_domain(f: Fact, w: Words) -> str:
    where = f"{w.cohort(f['cohort'])}, {_rob(ROB_DOMAINS, f['domain'])}"
    reason = _rob(ROB_REASONS, f["reason"])
    if f["judgement"] == "no-information":
        return f"{where}: no information ({reason})."
    return f"{where}: {f['judgement']} risk of bias ({reason})."


@phrase(fact("itt-label-contradicted", cohort="a", n=33))
def _itt_label_contradicted(f: Fact, w: Words) -> str:
    return (f"{w.cohort(f['cohort'])} is labelled intention-to-treat (n = {f['n']}), but patients were excluded "
            "after treatment began: it is not an intention-to-treat population.")

"""Words of the benchmark's facts, its contrasts, scenarios and subgroups."""

from __future__ import annotations

from ...appraise.facts import Fact, fact
from ._core import Words, join, phrase, plural

# --- benchmark and contrasts ---
# Facts of the meta-analytic benchmark (trialcompare.meta._bench_result.benchmark_facts) and of the descriptive
# contrasts between cohorts (trialcompare.comparison). Percentages are parameters in percent, rounded as shown.

_OUTCOMES = {"orr": "objective response", "dcr": "disease control", "csr": "complete surgical remission"}


def outcome_name(code: object, w: Words) -> str:
    """An outcome's words: "objective response", "event-/progression-free survival at 6 months" (tte_6m).

    Parameters
    ----------
    code : object
        A meta outcome code (``orr``, ``tte_6m``, ``pfs_8w``).
    w : Words

    Returns
    -------
    str

    Examples
    --------
    >>> from trialcompare.render.phrasebook import Words
    >>> outcome_name("tte_4m", Words())
    'event-/progression-free survival at 4 months'
    """
    key = str(code)
    if key in w.names:
        return w.names[key]
    if key in _OUTCOMES:
        return _OUTCOMES[key]
    ep, _, when = key.partition("_")
    if when and when[:-1].replace(".", "", 1).isdigit() and when[-1] in "mw":
        unit = "month" if when[-1] == "m" else "week"
        what = "event-/progression-free survival" if ep == "tte" else ep.upper()
        return f"{what} at {when[:-1]} {unit}s"
    return key


_NOT_ESTIMABLE = {
    "reference-estimator-unspecified": "the source does not say how the reference's rate was estimated, so no rate "
                                       "can be set beside it like with like",
    "no-reference-value": "the reference reports no value",
}


@phrase(fact("benchmark-not-estimable", outcome="orr", k=1, reason="k<3", min_k=3))
def _benchmark_not_estimable(f: Fact, w: Words) -> str:
    what = outcome_name(f["outcome"], w)
    reason = str(f["reason"])
    left = f"{plural(int(f.number('k')), 'comparable cohort')} left"
    if reason == "k<3":
        return f"Too few comparable cohorts to pool for {what}: {left}, and nothing is pooled from fewer than " \
               f"{f['min_k']}."
    if reason in _NOT_ESTIMABLE:
        return f"Nothing is pooled for {what} ({left}, fewer than {f['min_k']} needed): {_NOT_ESTIMABLE[reason]}."
    return f"Nothing is pooled for {what} ({left}; at least {f['min_k']} needed)."


_ESTIMATOR_WORDS = {"binomial": "binomial proportions", "kaplan-meier": "Kaplan-Meier rates"}


@phrase(fact("benchmark-placed", outcome="orr", k=4, estimator="binomial", pi_low=12.5, pi_high=48.0,
             reference=63.6, position="above"))
def _benchmark_placed(f: Fact, w: Words) -> str:
    pooled = _ESTIMATOR_WORDS.get(str(f["estimator"]), f"rates ({f['estimator']})")
    where = {"below": "below", "within": "within", "above": "above"}.get(str(f["position"]), f"at {f['position']}")
    return (f"A new cohort treated like the {f['k']} comparators ({pooled}) would have {outcome_name(f['outcome'], w)} "
            f"of {f['pi_low']:.1f}–{f['pi_high']:.1f}% (prediction interval); the reference's {f['reference']:.1f}% "
            f"lies {where} it.")


_PRIOR_WORDS = {"halfnormal": "half-normal", "halfcauchy": "half-Cauchy", "halft": "half-t"}


@phrase(fact("benchmark-bayes", outcome="orr", k=3, prior="halfnormal", scale=0.5, pi_low=6.0, pi_high=61.0))
def _benchmark_bayes(f: Fact, w: Words) -> str:
    prior = _PRIOR_WORDS.get(str(f["prior"]), str(f["prior"]))
    scale = f"({f['scale']:g})" if f["scale"] is not None else ""
    k = plural(int(f.number("k")), "comparator")
    return (f"Made for few cohorts, a Bayesian random-effects model with a weakly informative {prior}{scale} prior "
            f"on the between-cohort SD (logit scale; Röver 2020) gives a prediction interval of "
            f"{outcome_name(f['outcome'], w)} of {f['pi_low']:.1f}–{f['pi_high']:.1f}% from the same {k}; it rests on "
            "that prior, and is shown beside the t(k − 2) interval, not instead of it.")


_NOT_PLACED = {
    "not-comparable-estimator": "its rate was estimated differently from the comparators'",
    "not-comparable-endpoint": "its endpoint differs from the comparators'",
}


@phrase(fact("benchmark-not-placed", outcome="tte_4m", k=3, pi_low=2.0, pi_high=78.0,
             position="uninformative-interval", max_width=50))
def _benchmark_not_placed(f: Fact, w: Words) -> str:
    k = plural(int(f.number("k")), "comparator")
    head = (f"The prediction interval of {outcome_name(f['outcome'], w)} from {k} "
            f"runs from {f['pi_low']:.1f}% to {f['pi_high']:.1f}%")
    position = str(f["position"])
    if position == "uninformative-interval":
        return f"{head}: wider than {f['max_width']} percentage points, it carries no information, and the " \
               "reference is not placed against it."
    why = _NOT_PLACED.get(position, "it cannot be compared")
    return f"{head}; the reference is not placed against it: {why} (the interval spans at most " \
           f"{f['max_width']} points to count)."


_RULES = {
    "same-study": "it is an arm of the same study as {other}",
    "shares-registration": "it shares a trial registration with {other}, so the patients may overlap",
    "shares-centre": "it shares a centre and accrual period with {other}, so the patients may overlap",
    "control-arm": "it is the control arm of a randomised trial",
    "other-estimator": "it prints this rate only by another estimator",
    "other-endpoint-family": "its endpoint belongs to another family",
    "other-time-point": "its response was assessed at another time point, not as best overall response",
    "user": "it was left out by request",
    "not-reported": "it does not report this outcome",
    "no-denominator": "its count has no denominator",
    "no-count": "its binomial rate is printed without the count",
    "bound": "its rate is printed only as a bound",
    "no-interval": "its Kaplan-Meier rate is printed without a usable interval",
    "estimator-unspecified": "the source does not say how its rate was estimated",
    "no-endpoint": "it reports no event-/progression-free endpoint",
    "reference-estimator-unspecified": "the reference's estimator is not stated",
    "no-reference-value": "the reference has no value",
}


@phrase(fact("benchmark-excluded", cohort="a", rule="shares-centre", other="b"))
def _benchmark_excluded(f: Fact, w: Words) -> str:
    rule = _RULES.get(str(f["rule"]), "it has no usable value")
    other = w.cohort(f["other"]) if f["other"] is not None else "another cohort"
    return f"{w.cohort(f['cohort'])} is not pooled: {rule.format(other=other)}."


@phrase(fact("contrasts-descriptive", outcomes=("ORR", "DCR"), level=95, exploratory=False))
def _contrasts_descriptive(f: Fact, w: Words) -> str:
    names = join([str(o) for o in f.tokens("outcomes")])
    tail = ("; odds ratios and Fisher tests are in the supplement, labelled exploratory" if f["exploratory"]
            else "; no tests")
    return f"Differences between cohorts of different studies are descriptive: risk differences with " \
           f"{f['level']}% intervals for {names}{tail}."


@phrase(fact("contrast-withheld", cohort="a", other="b", rule="shares-centre"))
def _contrast_withheld(f: Fact, w: Words) -> str:
    why = {"shares-registration": "they share a trial registration",
           "shares-centre": "they share a centre and accrual period"}.get(str(f["rule"]), "by design")
    return f"{w.cohort(f['cohort'])} and {w.cohort(f['other'])} may share patients ({why}): no test or odds " \
           "ratio is computed between them."


# ---------------------------------------------------------------------------------------------------------------
# --- benchmark scenarios and subgroups ---


def _scenario(w: Words, name: object) -> str:
    return f"‘{w.names.get(str(name), str(name))}’"


@phrase(fact("variants-no-change", scenarios=("a-b", "c")))
def _variants_no_change(f: Fact, w: Words) -> str:
    names = f.tokens("scenarios")
    verb = "change" if len(names) > 1 else "changes"
    return (f"Scenario{'s' if len(names) > 1 else ''} {join([_scenario(w, n) for n in names])} {verb} nothing: "
            "the same comparators as the primary.")


@phrase(fact("variant-same-as", scenario="a", same_as="b"))
def _variant_same_as(f: Fact, w: Words) -> str:
    return f"Scenario {_scenario(w, f['scenario'])} gives the same comparators as {_scenario(w, f['same_as'])}."


@phrase(fact("variant-too-few", scenario="a", k=2))
def _variant_too_few(f: Fact, w: Words) -> str:
    return f"Scenario {_scenario(w, f['scenario'])} leaves k = {f['k']}: nothing pooled."


@phrase(fact("variant-result", scenario="s", k=4, pooled=40.0, pooled_low=30.0, pooled_high=50.0, pi_low=10.0,
             pi_high=80.0, position="above"))
def _variant_result(f: Fact, w: Words) -> str:
    where = {"below": "below", "within": "within", "above": "above"}.get(str(f["position"]), f"at {f['position']}")
    return (f"Scenario {_scenario(w, f['scenario'])} (k = {f['k']}): pooled comparators {f['pooled']:.1f}% "
            f"({f['pooled_low']:.1f}–{f['pooled_high']:.1f}), prediction interval {f['pi_low']:.1f}–"
            f"{f['pi_high']:.1f}%; the reference lies {where} it.")


@phrase(fact("variant-not-estimable", scenario="a", k=3))
def _variant_not_estimable(f: Fact, w: Words) -> str:
    return f"Scenario {_scenario(w, f['scenario'])} (k = {f['k']}): not estimable."


@phrase(fact("subgroups-single-group", by=("design", "endpoint")))
def _subgroups_single(f: Fact, w: Words) -> str:
    by = join([f"by {b}" for b in f.tokens("by")])
    return f"Subgroups {by}: the comparators form one group (nothing to split)."


@phrase(fact("subgroups-same-partition", by="endpoint", same_as="design"))
def _subgroups_same(f: Fact, w: Words) -> str:
    return f"Subgroups by {f['by']} are identical to subgroups by {f['same_as']}."


@phrase(fact("subgroups-too-few", by="design", k=2))
def _subgroups_too_few(f: Fact, w: Words) -> str:
    return f"Subgroups by {f['by']}: a group has k = {f['k']} (fewer than three): nothing pooled."


@phrase(fact("subgroups-groups", by="design", groups=2))
def _subgroups_groups(f: Fact, w: Words) -> str:
    return f"Subgroups by {f['by']}: {f['groups']} groups of k ≥ 3 (not pooled apart in this report)."

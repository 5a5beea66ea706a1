"""The phrasebook: the one place a judgement fact becomes words.

A phrase is a function ``(fact, words) -> str`` registered for one fact code with :func:`phrase`. It builds its
sentence from the fact's parameters only — a count, a threshold, whether the rule tested every cohort or some — so
that the words follow what the rule found. Each phrase registers an example fact; the tests vary every parameter of
that example and check that the sentence changes (:data:`EXAMPLES`), and that "every" appears only where the fact
says ``all=True``.

Examples
--------
>>> from trialcompare.appraise.facts import fact
>>> w = Words({"a": "Apatinib", "b": "IE alone"})
>>> say(fact("small-cohorts", below=("a",), limit=50, all=False), w)
'Apatinib has fewer than 50 patients.'
>>> say(fact("small-cohorts", below=("a", "b"), limit=50, all=True), w)
'Every cohort has fewer than 50 patients.'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..appraise.facts import Fact, fact

__all__ = ["EXAMPLES", "PHRASES", "SILENT", "Words", "join", "phrase", "plural", "say"]


@dataclass(frozen=True)
class Words:
    """What a phrase needs beyond the fact: how to name cohorts (labels by id) and other display names.

    Parameters
    ----------
    labels : mapping of str to str
        Cohort labels by id.
    names : mapping of str to str
        Display names of other tokens (outcomes, factors), when not the phrasebook's own.
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    def cohort(self, cid: object) -> str:
        """A cohort's label (its id when unknown).

        Parameters
        ----------
        cid : object

        Returns
        -------
        str

        Examples
        --------
        >>> Words({"ie": "IE alone"}).cohort("ie")
        'IE alone'
        """
        return self.labels.get(str(cid), str(cid))

    def cohorts(self, ids: Iterable[object]) -> str:
        """Cohort labels joined in a list ("A, B and C").

        Parameters
        ----------
        ids : iterable

        Returns
        -------
        str

        Examples
        --------
        >>> Words({"a": "A", "b": "B"}).cohorts(("a", "b"))
        'A and B'
        """
        return join([self.cohort(i) for i in ids])


PHRASES: dict[str, Callable[[Fact, Words], str]] = {}
"""Phrase functions by fact code."""

EXAMPLES: dict[str, Fact] = {}
"""One example fact per code (the tests vary each parameter)."""

SILENT: dict[str, frozenset[str]] = {}
"""Per code, parameters the sentence does not show (used for marks or ordering), declared with the phrase."""


def phrase(example: Fact, silent: Sequence[str] = ()) -> Callable[[Callable[[Fact, Words], str]],
                                                                   Callable[[Fact, Words], str]]:
    """Register the phrase of ``example.code``.

    Parameters
    ----------
    example : Fact
        A typical fact of the code (its parameters are the ones the phrase reads).
    silent : sequence of str
        Parameters the phrase deliberately does not show.

    Returns
    -------
    callable
        A decorator.
    """

    def register(fn: Callable[[Fact, Words], str]) -> Callable[[Fact, Words], str]:
        if example.code in PHRASES:
            raise ValueError(f"phrase for {example.code!r} registered twice")
        PHRASES[example.code] = fn
        EXAMPLES[example.code] = example
        SILENT[example.code] = frozenset(silent)
        return fn

    return register


def say(f: Fact, words: Words | None = None) -> str:
    """The sentence of a fact.

    Parameters
    ----------
    f : Fact
    words : Words, optional

    Returns
    -------
    str

    Raises
    ------
    KeyError
        When no phrase is registered for the fact's code.
    """
    try:
        fn = PHRASES[f.code]
    except KeyError:
        raise KeyError(f"no phrase for fact code {f.code!r}") from None
    return fn(f, words or Words())


def join(items: Sequence[str], conj: str = "and") -> str:
    """Join words as in prose.

    Parameters
    ----------
    items : sequence of str
    conj : str

    Returns
    -------
    str

    Examples
    --------
    >>> join(["a", "b", "c"]), join(["a"]), join(["a", "b"], "or")
    ('a, b and c', 'a', 'a or b')
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 cohort"``, ``"2 cohorts"``.

    Parameters
    ----------
    n : int
    singular : str
    plural_form : str, optional

    Returns
    -------
    str

    Examples
    --------
    >>> plural(1, "cohort"), plural(3, "patient"), plural(2, "study", "studies")
    ('1 cohort', '3 patients', '2 studies')
    """
    return f"{n} {singular if n == 1 else (plural_form or singular + 's')}"


# ---------------------------------------------------------------------------------------------------------------
# sample size


@phrase(fact("small-cohorts", below=("a",), limit=50, all=False), silent=("below",))
def _small_cohorts(f: Fact, w: Words) -> str:
    below = tuple(f["below"])  # type: ignore[arg-type]
    if f["all"]:
        return f"Every cohort has fewer than {f['limit']} patients."
    verb = "has" if len(below) == 1 else "have"
    return f"{w.cohorts(below)} {verb} fewer than {f['limit']} patients."


# ---------------------------------------------------------------------------------------------------------------
# names of factors and outcomes (one table for every page)

FACTOR_NAMES: dict[str, str] = {
    "age": "age", "sex": "sex", "subtype": "histological subtype", "ecog": "ECOG ≥ 1",
    "lesion_site": "disease at more than one site", "prior_lines": "two or more prior lines",
    "resistance_ie": "prior progression on IE", "resistance_apatinib": "prior apatinib",
    "resistance_mapi": "resistance to MAP/I", "resectable_at_entry": "resectable disease at entry",
    "refractory": "refractory disease (time to progression after first line)",
    "lesion_number": "number of lung nodules", "accrual": "accrual period", "follow_up": "median follow-up",
    "selection-of-series": "how the retrospective series was selected",
    "retrospective-response-assessment": "retrospective, unconfirmed response assessment",
}
"""Plain names of prognostic factors and unmeasured influences."""

ENDPOINT_NAMES = {"EFS": "event-free survival", "PFS": "progression-free survival", "OS": "overall survival"}


def factor_name(code: object) -> str:
    """The plain name of a factor code.

    Parameters
    ----------
    code : object

    Returns
    -------
    str

    Examples
    --------
    >>> factor_name("ecog"), factor_name("unknown_thing")
    ('ECOG ≥ 1', 'unknown thing')
    """
    return FACTOR_NAMES.get(str(code), str(code).replace("_", " "))


def _factors(codes: object) -> str:
    return join([factor_name(c) for c in codes])  # type: ignore[union-attr]


def _pct(n: object, d: object) -> str:
    return f"{n}/{d} = {100 * int(n) / int(d):.1f}%"  # type: ignore[call-overload]


# ---------------------------------------------------------------------------------------------------------------
# the verdict


@phrase(fact("observed-direction", cohort="a", direction="higher", outcomes=("ORR", "DCR"), not_outcomes=("OS",),
             all=False))
def _observed_direction(f: Fact, w: Words) -> str:
    word = "highest" if f["direction"] == "higher" else "lowest"
    held = join(list(f["outcomes"]))  # type: ignore[arg-type]
    if f["all"]:
        return (f"As printed, {w.cohort(f['cohort'])} has the {word} observed {held} of the cohorts compared "
                "(a description of the published numbers).")
    missed = join(list(f["not_outcomes"]))  # type: ignore[arg-type]
    first = (f"As printed, {w.cohort(f['cohort'])} has the {word} observed {held}" if held else
             f"As printed, {w.cohort(f['cohort'])} does not have the {word} observed rate for any claimed outcome")
    return f"{first}, but not the {word} {missed}." if missed else f"{first}."


@phrase(fact("causal-superiority", cohort="a", kinds=("unanchored",)))
def _causal(f: Fact, w: Words) -> str:
    kinds = join([str(e) for e in f["kinds"]])  # type: ignore[union-attr]
    return (f"That {w.cohort(f['cohort'])} causes a better outcome than the comparator regimens: the comparisons are "
            f"{kinds} — no randomisation or common comparator links these cohorts, so differences may reflect who was "
            "treated, how outcomes were defined and assessed, and factors that were not reported.")


@phrase(fact("randomised-effect"))
def _randomised(f: Fact, w: Words) -> str:
    return ("Arms of one randomised study are compared: their published between-arm effect is the primary result "
            "(see “Randomised evidence”).")


@phrase(fact("bias-direction", against=("ecog", "prior_lines"), favours=("resectable_at_entry",),
             unmeasured=("refractory",), net="unknown"))
def _bias(f: Fact, w: Words) -> str:
    parts = []
    if f["against"]:
        parts.append(f"Measured at baseline, {_factors(f['against'])} are more frequent in the reference than in "
                     "some comparators (beyond sampling noise), which on its own would bias a naive comparison "
                     "against it.")
    if f["favours"]:
        parts.append(f"{_factors(f['favours']).capitalize()} favours the reference.")
    if f["unmeasured"]:
        parts.append(f"Not measured in these tables: {_factors(f['unmeasured'])}.")
    if f["net"] == "unknown":
        parts.append("The net direction of bias is unknown.")
    else:
        side = "against" if f["net"] == "against-reference" else "in favour of"
        parts.append(f"Every measured factor biases a naive comparison {side} the reference.")
    return " ".join(parts)


@phrase(fact("population-adjustment", available=True, simulated=True, informative=False, ess=8.5, n=33),
        silent=())
def _maic(f: Fact, w: Words) -> str:
    if not f["available"]:
        return ("A population-adjusted comparison (MAIC or STC, NICE DSU TSD 18): it needs individual patient data "
                "of at least one cohort, and none is available here.")
    data = "SIMULATED patients — a demonstration of the method, not evidence" if f["simulated"] else "patient data"
    if not f["informative"]:
        return (f"A population-adjusted comparison is shown, on {data}; with an effective sample size of "
                f"{f['ess']} of {f['n']} it is uninformative (shown for completeness).")
    return (f"A population-adjusted comparison (MAIC) on {data}, effective sample size {f['ess']} of {f['n']}; "
            "it still assumes every unmatched prognostic factor and effect modifier is balanced.")


# ---------------------------------------------------------------------------------------------------------------
# facts a reviewer puts first


@phrase(fact("closest-comparator", cohort="b", reference="a", shares=("registration", "endpoint"),
             medians=(("EFS", 11.4, 11.7), ("OS", 19.8, 30.4)), compares="better"))
def _closest(f: Fact, w: Words) -> str:
    shares = join([{"registration": "registration", "centre": "centres", "accrual": "accrual years",
                    "endpoint": "endpoint", "design": "design"}.get(str(s), str(s)) for s in f["shares"]])  # type: ignore[union-attr]
    medians = "; ".join(f"median {ep} {theirs:g} vs {mine:g} months"
                        for ep, mine, theirs in f["medians"])  # type: ignore[misc, union-attr]
    verdict = {"better": "on the time-to-event outcomes it does as well or better, which does not support an "
                         "added benefit",
               "worse": "on the time-to-event outcomes it does worse",
               "mixed": "on the time-to-event outcomes it does better on some and worse on others"}.get(
        str(f["compares"]), str(f["compares"]))
    return (f"{w.cohort(f['cohort'])}, the comparator most like {w.cohort(f['reference'])} (same {shares}): "
            f"{medians}; {verdict}.")


@phrase(fact("comparator-selection", k=3, selection="authors-choice"))
def _comparator_selection(f: Fact, w: Words) -> str:
    k = plural(int(f["k"]), "comparator")  # type: ignore[arg-type]
    how = {"authors-choice": "were chosen by the authors of the claim, without a stated search: other published "
                             "cohorts may tell a different story",
           "systematic-search": "come from a systematic search",
           "convenience": "were chosen for this report without a stated search: other published cohorts may tell a "
                          "different story",
           "not_stated": "were chosen in a way this report does not state"}.get(str(f["selection"]),
                                                                             str(f["selection"]))
    return f"The {k} {how}."


@phrase(fact("selection-signal", cohort="a", progressions=0, n=33))
def _selection(f: Fact, w: Words) -> str:
    return (f"{w.cohort(f['cohort'])} is a retrospective series with {f['progressions']} of {f['n']} patients "
            "progressing as best response — a sign of selection (patients who progressed early may not have been "
            "included).")


@phrase(fact("dcr-without-duration", cohort="a", cbr_n=27, cbr_denominator=33, time=6.0, unit="months"))
def _dcr(f: Fact, w: Words) -> str:
    return (f"Disease control has no minimum duration of stable disease; {w.cohort(f['cohort'])}'s time-anchored "
            f"clinical benefit rate at {f['time']:g} {f['unit']} is {_pct(f['cbr_n'], f['cbr_denominator'])}.")


@phrase(fact("claim-cites", what="single-patient-images"))
def _cites(f: Fact, w: Words) -> str:
    where = w.names.get("claim-cites-at", "")
    what = {"single-patient-images": "the images of one patient, which are anecdotal",
            "case-series": "a case series", "table": "a table", "figure": "a figure",
            "statistical-test": "a statistical test"}.get(str(f["what"]), str(f["what"]).replace("-", " "))
    return f"The claim cites {what}" + (f" ({where})." if where else ".")


# ---------------------------------------------------------------------------------------------------------------
# certainty: reasons per GRADE domain


@phrase(fact("rob-selection", cohorts=("a", "b")))
def _rob_selection(f: Fact, w: Words) -> str:
    return f"selection of patients in the retrospective series {w.cohorts(f['cohorts'])}"


@phrase(fact("rob-confounding", against=("ecog",), favours=("resectable_at_entry",), unmeasured=("refractory",)))
def _rob_confounding(f: Fact, w: Words) -> str:
    counts = [(f["against"], "worse in the reference"), (f["favours"], "favouring it"),
              (f["unmeasured"], "not measured")]
    parts = [f"{plural(len(v), 'factor')} {what}" for v, what in counts if v]  # type: ignore[arg-type]
    return "confounding not adjusted for" + (f" ({'; '.join(parts)}; named above)" if parts else "")


@phrase(fact("rob-assessment", cohorts=("a",)))
def _rob_assessment(f: Fact, w: Words) -> str:
    return f"responses read retrospectively in {w.cohorts(f['cohorts'])}"


@phrase(fact("rob-overlap", pairs=(("a", "b"), ("a", "c"))))
def _rob_overlap(f: Fact, w: Words) -> str:
    pairs = [f"{w.cohort(a)} and {w.cohort(b)}" for a, b in f["pairs"]]  # type: ignore[misc, union-attr]
    return "cohorts that may share patients (" + "; ".join(pairs) + ")"


@phrase(fact("rob-data-errors", cohorts=("a",)))
def _rob_errors(f: Fact, w: Words) -> str:
    return f"unresolved errors in the published numbers of {w.cohorts(f['cohorts'])}"


@phrase(fact("inconsistent-directions", higher=("a",), lower=("b",)))
def _inconsistent(f: Fact, w: Words) -> str:
    return (f"the reference does better than {w.cohorts(f['higher'])} but worse than {w.cohorts(f['lower'])}")


@phrase(fact("indirect-eligibility", reference="a", resectable="included", cohorts=("b",)))
def _indirect_eligibility(f: Fact, w: Words) -> str:
    other = "excluded" if f["resectable"] == "included" else "included"
    return (f"{w.cohort(f['reference'])} {f['resectable']} resectable disease and {w.cohorts(f['cohorts'])} "
            f"{other} it")


@phrase(fact("indirect-endpoints", endpoints=("EFS", "PFS")))
def _indirect_endpoints(f: Fact, w: Words) -> str:
    return "different endpoints are compared (" + " vs ".join(str(e) for e in f["endpoints"]) + ")"  # type: ignore[union-attr]


@phrase(fact("indirect-definitions"))
def _indirect_definitions(f: Fact, w: Words) -> str:
    return "endpoint definitions differ or are missing"


@phrase(fact("indirect-resection"))
def _indirect_resection(f: Fact, w: Words) -> str:
    return "surgical resection is inside an endpoint in some cohorts"


@phrase(fact("imprecise-threshold", outcome="ORR", threshold=0.1, cohorts=("a",), all=False))
def _imprecise_threshold(f: Fact, w: Words) -> str:
    who = "every comparator" if f["all"] else w.cohorts(f["cohorts"])
    return (f"the interval of the {f['outcome']} difference against {who} includes the decision threshold of "
            f"{100 * float(f['threshold']):g} percentage points")  # type: ignore[arg-type]


@phrase(fact("imprecise-ois", outcome="ORR", relative=1.25, cohorts=("a",), all=False))
def _imprecise_ois(f: Fact, w: Words) -> str:
    who = "every comparison" if f["all"] else f"the comparison with {w.cohorts(f['cohorts'])}"
    rel = round(100 * (float(f["relative"]) - 1))  # type: ignore[arg-type]
    return (f"{who} has fewer patients than the optimal information size to detect a {rel}% relative "
            f"difference in {f['outcome']} (no decision threshold stated)")


@phrase(fact("no-contrast-interval", outcome="OS"), silent=("outcome",))
def _no_interval(f: Fact, w: Words) -> str:
    # one note for every time-to-event outcome (the table's row says which)
    return "not assessable: compared only through published medians, with no interval of a contrast"


@phrase(fact("publication-suspected", selection="not_stated"))
def _publication(f: Fact, w: Words) -> str:
    how = {"not_stated": "without a stated search", "authors-choice": "by the authors of the claim",
           "convenience": "for this report, without a stated search"}.get(
        str(f["selection"]), str(f["selection"]))
    return f"suspected: the comparators were chosen {how}"


# ---------------------------------------------------------------------------------------------------------------
# limitation themes (headings of the merged, ranked limitations)

THEME_WORDS: dict[str, str] = {
    "non-randomised": "No randomisation or common comparator links the cohorts: every difference is unanchored.",
    "selection": "Selection: a retrospective series is set beside prospective trials; who entered it is not known.",
    "overlap": "Overlap: some cohorts may include the same patients and are not independent.",
    "eligibility": "Eligibility: the cohorts enrolled different patients (resectable disease, age).",
    "assessment": "Assessment: responses were read differently (retrospectively, unconfirmed, at other times).",
    "endpoints": "Endpoints: the time-to-event endpoints, their definitions and the handling of resection differ.",
    "imbalance": "Imbalance: measured prognostic factors differ between cohorts.",
    "data-errors": "Data errors: some published numbers are inconsistent or use another denominator.",
    "follow-up": "Follow-up differs or is not reported.",
    "sample-size": "Small cohorts.",
    "population-adjustment": "Population adjustment: the MAIC's estimate is fragile and still unanchored.",
}
"""One line per limitation theme (:data:`trialcompare.appraise.limitations.THEME_RANK`)."""


# ---------------------------------------------------------------------------------------------------------------
# sensitivity of page 1 (column and cell words of the sensitivity table)

ALTERNATIVE_WORDS = {
    "printed-denominators": "N as printed", "errata": "errata switched",
    "without-overlap": "without overlapping cohorts", "reference-pfs": "reference's PFS for its EFS",
}
RESULT_WORDS = {"better": "does as well or better", "worse": "does worse", "mixed": "mixed",
                "holds": "holds", "fails": "does not hold", "not-estimable": "cannot be said"}


def statement_words(statement: str, outcome: str, primary: str, w: Words, reference: str) -> str:
    """The page-1 statement a sensitivity row tests, in words.

    Parameters
    ----------
    statement : str
    outcome : str
    primary : str
        Its result in the primary analysis (``holds``, or ``cohort:better`` for the closest comparator).
    w : Words
    reference : str

    Returns
    -------
    str

    Examples
    --------
    >>> statement_words("observed-direction", "ORR", "holds", Words({"a": "A"}), "a")
    'A has the highest observed ORR'
    >>> statement_words("closest-comparator", "time-to-event", "b:better", Words({"b": "B"}), "a")
    'B (closest comparator) does as well or better on time-to-event outcomes'
    """
    if statement == "closest-comparator":
        cohort, _, how = primary.partition(":")
        return f"{w.cohort(cohort)} (closest comparator) {RESULT_WORDS.get(how, how)} on time-to-event outcomes"
    return f"{w.cohort(reference)} has the highest observed {outcome}"


def result_words(result: str, holds: bool | None) -> str:
    """A sensitivity cell.

    Parameters
    ----------
    result : str
    holds : bool or None

    Returns
    -------
    str

    Examples
    --------
    >>> result_words("b:mixed", False), result_words("holds", True), result_words("not-estimable", None)
    ('changes: mixed', 'holds', 'cannot be said')
    """
    if holds is None:
        return RESULT_WORDS["not-estimable"]
    if holds:
        return "holds"
    how = result.partition(":")[2] or result
    return f"changes: {RESULT_WORDS.get(how, how)}"
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

    pairs = zip_longest(tuple(f["domains"]), tuple(f["reasons"]))  # type: ignore[arg-type]
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


# --- caveats ---
# Facts of trialcompare.appraise.caveats, one phrase per fact code. The words a descriptor prints (time origins,
# events, centres, registrations, study names, level labels) and the meanings of finding codes are not in the facts:
# the phrases look them up in ``Words.names`` by the keys render/caveat_words.py builds (``origin:<cohort>:<EP>``,
# ``events:<cohort>:<EP>``, ``centre:<cohort>:<i>``, ``registration:<cohort>:<i>``, ``study:<cohort>``,
# ``level:<variable>:<level>``, ``finding:<code>``).

HANDLING_WORDS: dict[str, str] = {
    "censored": "resection censored",
    "event": "resection counted as an event",
    "not-counted": "resection not counted as an event",
    "not-applicable": "resection not applicable",
}
"""How an endpoint's definition handles resection (``unspecified`` and ``none`` have no words beside a name)."""

_HANDLING_EFFECT = {
    "censored": "{ep} censors patients at resection",
    "event": "{ep} counts resection as an event",
    "not-counted": "{ep} does not count resection as an event",
    "unspecified": "{ep} does not say how resection is handled",
}
_DESIGN_NOUN = {
    "prospective": ("a prospective trial", "prospective trials"),
    "retrospective": ("a retrospective series", "retrospective series"),
}
_INTERVAL_ARTICLE = {"IQR": "an IQR", "range": "a range", "80% CI": "an 80% CI"}
SET_NAMES = {"itt": "ITT", "efficacy": "efficacy set", "safety": "safety set", "evaluable": "evaluable set"}
"""Analysis-set names by token."""

_BASIS_WORDS = {"median": " (estimated from a median)", "estimated": " (estimated)", "measured": ""}


def endpoint_title(name: object) -> str:
    """An endpoint's name in words, capitalised ("Progression-free survival"); the token when unknown.

    Parameters
    ----------
    name : object

    Returns
    -------
    str

    Examples
    --------
    >>> endpoint_title("PFS"), endpoint_title("XYZ")
    ('Progression-free survival', 'XYZ')
    """
    from ..descriptor.vocabulary import ENDPOINTS

    return ENDPOINTS.get(str(name), str(name))


def _ep(name: object) -> str:
    return endpoint_title(name).lower()


def variable_phrase(variable: object) -> str:
    """A baseline variable in running text: "Age, years" → "age"; "ECOG performance status" stays; unknown names
    lose their underscores.

    Parameters
    ----------
    variable : object

    Returns
    -------
    str

    Examples
    --------
    >>> variable_phrase("age"), variable_phrase("ecog"), variable_phrase("some_thing")
    ('age', 'ECOG performance status', 'some thing')
    """
    from ..descriptor.vocabulary import VARIABLES

    v = str(variable)
    label = VARIABLES[v].label.split(",")[0] if v in VARIABLES else v.replace("_", " ")
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _is(n: int, singular: str, plural_form: str) -> str:
    return singular if n == 1 else plural_form


def _rows(value: object) -> list[tuple]:
    return [tuple(r) for r in value]  # type: ignore[union-attr]


def _described(name: object, handlings: list[object]) -> str:
    """An endpoint's name with its resection handling when all its cohorts define it alike."""
    words = {HANDLING_WORDS.get(str(h)) if h != "not-applicable" else None for h in handlings}
    said = words.pop() if len(words) == 1 else None
    return f"{_ep(name)} ({said})" if said else _ep(name)


def _said(h: object) -> str | None:
    return HANDLING_WORDS.get(str(h)) if h != "not-applicable" else None


def _group_clause(w: Words, name: object, members: list[tuple]) -> str:
    """``"A (resection censored) and B report progression-free survival"``."""
    verb = _is(len(members), "reports", "report")
    if len({_said(h) for _, h in members}) == 1:
        return f"{w.cohorts([c for c, _ in members])} {verb} {_described(name, [h for _, h in members])}"
    who = [f"{w.cohort(c)} ({s})" if (s := _said(h)) else w.cohort(c) for c, h in members]
    return f"{join(who)} {verb} {_ep(name)}"


@phrase(fact("endpoint-differs", compared=(("a", "EFS", "not-counted"), ("b", "PFS", "none"), ("c", "PFS", "none")),
             also=(("a", "PFS", "censored"), ("b", "EFS", "none"))))
def _endpoint_differs(f: Fact, w: Words) -> str:
    groups: dict[object, list[tuple]] = {}
    for cid, name, h in _rows(f["compared"]):
        groups.setdefault(name, []).append((cid, h))
    clauses = [_group_clause(w, name, members) for name, members in groups.items()]
    text = f"{clauses[0]}, while {join(clauses[1:])}" if len(clauses) > 1 else join(clauses)
    also: dict[object, list[str]] = {}
    for cid, name, h in _rows(f["also"]):
        also.setdefault(cid, []).append(_described(name, [h]))
    extra = [f"{w.cohort(cid)} also reports {join(eps)}." for cid, eps in also.items()]
    return " ".join([f"{text}: their medians and landmark rates measure different things.", *extra])


_DEFINITION_LEAD = {
    (True, False): "is defined differently across cohorts",
    (True, True): "is defined differently across cohorts and not at all in some",
    (False, True): "is defined in some cohorts but not in others",
    (False, False): "is defined alike in every cohort",
}
_DEFINITION_CONSEQUENCE = {
    True: "its medians and landmark rates are not directly comparable",
    False: "it cannot be checked that its medians and landmark rates measure the same thing",
}


def _definition_summary(w: Words, endpoint: object, cid: object, h: object, shown: tuple) -> str:
    if h == "none":
        return "no definition reported"
    words = {"origin": "from " + w.names.get(f"origin:{cid}:{endpoint}", "the stated origin"),
             "events": "events " + w.names.get(f"events:{cid}:{endpoint}", "as stated"),
             "resection": HANDLING_WORDS.get(str(h), str(h))}
    return ", ".join(words.get(str(a), str(a)) for a in shown)


@phrase(fact("definition-differs", endpoint="PFS", cohorts=(("a", "censored"), ("b", "event"), ("c", "none")),
             differing=("origin", "resection")))
def _definition_differs(f: Fact, w: Words) -> str:
    differing = tuple(f["differing"])  # type: ignore[arg-type]
    shown = differing or ("origin", "events", "resection")
    groups: dict[str, list[object]] = {}
    for cid, h in _rows(f["cohorts"]):
        groups.setdefault(_definition_summary(w, f["endpoint"], cid, h, shown), []).append(cid)
    parts = "; ".join(f"{w.cohorts(ids)}: {summary}" for summary, ids in groups.items())
    missing = any(h == "none" for _, h in _rows(f["cohorts"]))
    lead = _DEFINITION_LEAD[(bool(differing), missing)]
    return (f"{endpoint_title(f['endpoint'])} {lead} ({parts}), so "
            f"{_DEFINITION_CONSEQUENCE[bool(differing)]}.")


@phrase(fact("resection", cohort="a", n=16, denominator=60, endpoints=(("EFS", "not-counted"), ("PFS", "censored"))))
def _resection(f: Fact, w: Words) -> str:
    affected = _rows(f["endpoints"])
    of = f" of {f['denominator']}" if f["denominator"] else ""
    effects = join([_HANDLING_EFFECT.get(str(h), "{ep} handles resection as " + str(h)).format(ep=_ep(name))
                    for name, h in affected])
    return (f"In {w.cohort(f['cohort'])}, {f['n']}{of} patients had complete surgical remission; {effects}: "
            f"{_is(len(affected), 'this endpoint depends', 'these endpoints depend')} on local therapy as well as "
            "on the systemic treatment.")


def _interval_words(token: object) -> str:
    types = [t.replace("_", " ") for t in str(token).split("|") if t and t != "none"]
    return " or ".join(_INTERVAL_ARTICLE.get(t, f"a {t}") for t in types) or "no interval"


@phrase(fact("interval-types", endpoint="PFS", cohorts=(("a", "IQR"), ("b", "95%_CI"), ("c", "none"))))
def _interval_types(f: Fact, w: Words) -> str:
    groups: dict[str, list[object]] = {}
    for cid, token in _rows(f["cohorts"]):
        groups.setdefault(_interval_words(token), []).append(cid)
    parts = join([f"with {words} in {w.cohorts(ids)}" for words, ids in groups.items()])
    return (f"Median {_ep(f['endpoint'])} is printed {parts}: a confidence interval measures the uncertainty of "
            "the median, an IQR or range the spread of survival times, so these intervals are not comparable.")


@phrase(fact("design-differs", cohorts=(("a", "retrospective"), ("b", "prospective"), ("c", "prospective"))))
def _design_differs(f: Fact, w: Words) -> str:
    groups: dict[object, list[object]] = {}
    for cid, design in _rows(f["cohorts"]):
        groups.setdefault(design, []).append(cid)
    clauses = [f"{w.cohorts(ids)} {_is(len(ids), 'is', 'are')} "
               f"{_DESIGN_NOUN.get(str(t), (f'a {t} study', f'{t} studies'))[len(ids) > 1]}"
               for t, ids in groups.items()]
    head = f"{clauses[0]}, while {join(clauses[1:])}" if len(clauses) > 1 else join(clauses)
    return (f"{head}: patients were selected and followed differently (selection bias), so differences may reflect "
            "who was treated rather than the treatment.")


@phrase(fact("eligibility-differs", included=("a",), excluded=("b", "c"), silent=("d",)))
def _eligibility_differs(f: Fact, w: Words) -> str:
    excluded, silent = tuple(f["excluded"]), tuple(f["silent"])  # type: ignore[arg-type]
    unknown = (f" The {_is(len(silent), 'source', 'sources')} of {w.cohorts(silent)} "
               f"{_is(len(silent), 'does', 'do')} not say.") if silent else ""
    return (f"{w.cohorts(f['included'])} enrolled patients whose disease could be resected, while the "
            f"{_is(len(excluded), 'source', 'sources')} of {w.cohorts(excluded)} restrict enrolment to unresectable "
            "disease: complete surgical remission is not comparable between them (not tested), and outcomes that "
            f"resection affects differ by design.{unknown}")


def _looked_up(w: Words, kind: str, cid: object, at: object) -> str:
    return w.names.get(f"{kind}:{cid}:{at}", f"{kind} {int(at) + 1} of {w.cohort(cid)}")  # type: ignore[call-overload]


@phrase(fact("possible-overlap", cohort="a", other="b", registrations=(0,), centres=(0, 1), accrual="overlapping"))
def _possible_overlap(f: Fact, w: Words) -> str:
    regs = [_looked_up(w, "registration", f["cohort"], i) for i in f["registrations"]]  # type: ignore[union-attr]
    centres = [_looked_up(w, "centre", f["cohort"], i) for i in f["centres"]]  # type: ignore[union-attr]
    what = [f"the {_is(len(regs), 'registration', 'registrations')} {join(regs)}"] if regs else []
    if centres:
        when = ("with overlapping accrual" if f["accrual"] == "overlapping" else
                "(accrual not reported, so overlap cannot be excluded)" if f["accrual"] == "not-reported" else
                f"(accrual {f['accrual']})")
        what.append(f"{_is(len(centres), 'the centre', 'the centres')} {join(centres)} {when}")
    return (f"{w.cohorts((f['cohort'], f['other']))} share {join(what)}: they may include the same patients, so "
            "they are not independent and must not be pooled as independent studies.")


def _span(lo: float, hi: float) -> str:
    return f"{lo:.1f} months" if round(lo, 1) == round(hi, 1) else f"{lo:.1f} to {hi:.1f} months"


@phrase(fact("follow-up-differs", ratio=1.5, cohorts=(("a", 12.0, 12.0), ("b", 20.7, 24.0))))
def _follow_up_differs(f: Fact, w: Words) -> str:
    listed = ", ".join(f"{w.cohort(c)} {_span(lo, hi)}" for c, lo, hi in _rows(f["cohorts"]))
    return (f"Median follow-up differs by more than a factor {f['ratio']:g} between cohorts ({listed}): survival "
            "medians and landmark rates of the cohorts followed for less time rest on fewer late observations.")


@phrase(fact("follow-up-missing", cohorts=("a", "b")))
def _follow_up_missing(f: Fact, w: Words) -> str:
    return (f"Median follow-up is not reported for {w.cohorts(f['cohorts'])}, so it cannot be checked that "
            "survival estimates rest on comparable follow-up.")


def _implied_words(w: Words, variable: object, implied: list[tuple]) -> str:
    by_total: dict[object, list[str]] = {}
    for _, level, total in implied:
        label = w.names.get(f"level:{variable}:{level}")
        by_total.setdefault(total, []).append(f"“{label}”" if label else str(level))
    return "; ".join(f"level {', '.join(levels)} not reported; implied 0 since the other counts sum to {total}"
                     for total, levels in by_total.items())


def _smd_words(w: Words, f: Fact, row: tuple) -> str:
    cid, smd, signed, basis = row
    value = f"{smd:+.2f}" if signed else f"{smd:.2f} (magnitude, multi-level)"
    if basis == "implied":
        implied = [r for r in _rows(f["implied"]) if r[0] == cid]
        note = _implied_words(w, f["variable"], implied)
        return f"{value} for {w.cohort(cid)} (estimated{': ' + note if note else ''})"
    return f"{value} for {w.cohort(cid)}{_BASIS_WORDS.get(str(basis), f' ({basis})')}"


@phrase(fact("imbalance", reference="r", variable="lesion_site", threshold=0.1,
             rows=(("a", 0.30, True, "measured"), ("b", -0.12, False, "implied"), ("c", 0.2, True, "median")),
             implied=(("b", "lung+bone+other", 43), ("b", "bone", 43))))
def _imbalance(f: Fact, w: Words) -> str:
    smds = join([_smd_words(w, f, row) for row in _rows(f["rows"])])
    return (f"Baseline imbalance against {w.cohort(f['reference'])} in {variable_phrase(f['variable'])} "
            f"(|SMD| above {f['threshold']:g} and beyond sampling noise): standardized mean difference {smds}; "
            "differences in outcomes may partly reflect it.")


@phrase(fact("data-errors", cohort="a", acknowledged=False, codes=("PCT-MISMATCH", "TTE-MEDIAN-RATE")))
def _data_errors(f: Fact, w: Words) -> str:
    listed = "; ".join(w.names.get(f"finding:{code}", f"a data error ({code})") for code in f["codes"])  # type: ignore[union-attr]
    if f["acknowledged"]:
        return (f"{w.cohort(f['cohort'])}: numbers reviewed and kept as printed despite errors: {listed} (marked in "
                "the tables, explained in their footnotes).")
    return (f"{w.cohort(f['cohort'])} has unresolved errors in its published numbers: {listed}; results that use "
            "them are uncertain.")


@phrase(fact("small-sample", cohorts=(("a", 33), ("b", 43)), limit=50, all=False))
def _small_sample(f: Fact, w: Words) -> str:
    rows = _rows(f["cohorts"])
    listed = join([f"{w.cohort(c)} (N={n})" for c, n in rows])
    tail = "estimates are imprecise and one or two patients shift a percentage by several points."
    if f["all"]:
        return f"Every cohort has fewer than {f['limit']} patients: {listed}; {tail}"
    return f"{listed} {_is(len(rows), 'has', 'have')} fewer than {f['limit']} patients: {tail}"


@phrase(fact("non-randomised", arms=(("a", "b"), ("c", "d")), all=False))
def _non_randomised(f: Fact, w: Words) -> str:
    which = "every difference between them is" if f["all"] else "differences between them are"
    text = (f"The cohorts were not randomised against each other: {which} unanchored and non-randomised, and may "
            "reflect differences in patients, centres, eras and assessment rather than treatment")
    arms = [tuple(a) for a in f["arms"]]  # type: ignore[union-attr]
    if not arms:
        return text + "."
    within = "; ".join(f"{w.cohorts(ids)} are randomised arms of {w.names.get(f'study:{ids[0]}', 'one study')}"
                       for ids in arms)
    return f"{text} (except within one study: {within})."


@phrase(fact("denominator", cohort="a", n=41, set="efficacy", other=(("enrolled", 43), ("itt", 45))))
def _denominator(f: Fact, w: Words) -> str:
    listed = join([f"{SET_NAMES.get(str(s), str(s))} {n}" for s, n in _rows(f["other"])])
    return (f"For {w.cohort(f['cohort'])} the table's N={f['n']} ({SET_NAMES.get(str(f['set']), str(f['set']))}) "
            f"differs from other reported analysis sets ({listed}): percentages may rest on another denominator.")


# --- benchmark and contrasts ---
# Facts of the meta-analytic benchmark (trialcompare.meta._bench_result.benchmark_facts) and of the descriptive
# contrasts between cohorts (trialcompare.comparison). Percentages are parameters in percent, rounded as shown.

_OUTCOMES = {"orr": "objective response", "dcr": "disease control", "csr": "complete surgical remission"}


def _outcome(code: object, w: Words) -> str:
    """An outcome's words: "objective response", "the 6-month event-/progression-free rate" (tte_6m, pfs_8w)."""
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
    what = _outcome(f["outcome"], w)
    reason = str(f["reason"])
    left = f"{plural(int(f['k']), 'comparable cohort')} left"  # type: ignore[arg-type]
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
    return (f"A new cohort treated like the {f['k']} comparators ({pooled}) would have {_outcome(f['outcome'], w)} "
            f"of {f['pi_low']:.1f}–{f['pi_high']:.1f}% (prediction interval); the reference's {f['reference']:.1f}% "
            f"lies {where} it.")


_PRIOR_WORDS = {"halfnormal": "half-normal", "halfcauchy": "half-Cauchy", "halft": "half-t"}


@phrase(fact("benchmark-bayes", outcome="orr", k=3, prior="halfnormal", scale=0.5, pi_low=6.0, pi_high=61.0))
def _benchmark_bayes(f: Fact, w: Words) -> str:
    prior = _PRIOR_WORDS.get(str(f["prior"]), str(f["prior"]))
    scale = f"({f['scale']:g})" if f["scale"] is not None else ""
    k = plural(int(f["k"]), "comparator")  # type: ignore[arg-type]
    return (f"Made for few cohorts, a Bayesian random-effects model with a weakly informative {prior}{scale} prior "
            f"on the between-cohort SD (logit scale; Röver 2020) gives a prediction interval of "
            f"{_outcome(f['outcome'], w)} of {f['pi_low']:.1f}–{f['pi_high']:.1f}% from the same {k}; it rests on "
            "that prior, and is shown beside the t(k − 2) interval, not instead of it.")


_NOT_PLACED = {
    "not-comparable-estimator": "its rate was estimated differently from the comparators'",
    "not-comparable-endpoint": "its endpoint differs from the comparators'",
}


@phrase(fact("benchmark-not-placed", outcome="tte_4m", k=3, pi_low=2.0, pi_high=78.0,
             position="uninformative-interval", max_width=50))
def _benchmark_not_placed(f: Fact, w: Words) -> str:
    head = (f"The prediction interval of {_outcome(f['outcome'], w)} from {plural(int(f['k']), 'comparator')} "  # type: ignore[arg-type]
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
    names = join([str(o) for o in f["outcomes"]])  # type: ignore[union-attr]
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
    parts = [f"{_level(v, lv)} {pct}%" for v, lv, pct in f["shares"]]  # type: ignore[misc, union-attr]
    if f["age"] is not None:
        parts.append(f"mean age {f['age']}")
    return (f"The adjusted estimates apply to {w.cohort(f['target'])}'s population" +
            (f" ({', '.join(parts)})" if parts else "") + ", not to the population the claim is about.")


@phrase(fact("maic-unmatched", levels=("prior_lines:1", "sex:male"), unreported=("refractory", "lesion_number")))
def _maic_unmatched(f: Fact, w: Words) -> str:
    levels = [_level(*str(x).split(":", 1)) if ":" in str(x) else factor_name(x) for x in f["levels"]]  # type: ignore[union-attr]
    parts = []
    if levels:
        parts.append(f"not matched: {join(levels)}")
    if f["unreported"]:
        parts.append(f"reported by no cohort: {_factors(f['unreported'])}")
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
        parts.append(f"responses of {w.cohorts(f['retrospective'])} were read retrospectively, from records, without "
                     "confirmation")
    if f["unreviewed"]:
        parts.append(f"{w.cohorts(f['unreviewed'])} had no independent review")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + ": response rates are not measured alike across cohorts."


@phrase(fact("age-eligibility", reference="r", reference_min=3.0, cohorts=(("a", 16.0), ("b", 12.0))))
def _age_eligibility(f: Fact, w: Words) -> str:
    limits = join([f"{w.cohort(c)} from age {m:g}" for c, m in f["cohorts"]])  # type: ignore[misc, union-attr]
    ref = (f"{w.cohort(f['reference'])} states no age limit" if f["reference_min"] is None else
           f"{w.cohort(f['reference'])} from age {f['reference_min']:g}")
    return f"Age eligibility differs: {limits}, while {ref} (children are in the reference, not in those trials)."


@phrase(fact("overlap-printed", cohort="a", other="b", kind="prior-treatment"))
def _overlap_printed(f: Fact, w: Words) -> str:
    what = {"prior-treatment": f"patients who had progressed on {w.cohort(f['other'])}'s treatment",
            "shared-patients-stated": f"patients also in {w.cohort(f['other'])}"}.get(
        str(f["kind"]), f"patients linked to {w.cohort(f['other'])}")
    return (f"{w.cohort(f['cohort'])} includes, as its source prints, {what}: direct evidence that the two cohorts may "
            "not be independent.")


@phrase(fact("harms-ascertainment", retrospective=("a",), prospective=("b",)))
def _harms_ascertainment(f: Fact, w: Words) -> str:
    return (f"Harms were found by retrospective chart review in {w.cohorts(f['retrospective'])} and by prospective "
            f"grading in {w.cohorts(f['prospective'])}: a chart review finds fewer adverse events, so the harms "
            "comparison is not like with like.")


@phrase(fact("harms-not-assessable"))
def _harms_not_assessable(f: Fact, w: Words) -> str:
    return "not assessable from the published harms counts"


@phrase(fact("report-date-before-cited", report="2026-11-25", cited="2026-12-01", file="a.yaml"))
def _report_date(f: Fact, w: Words) -> str:
    return (f"This report is dated {f['report']} but {f['file']} cites {f['cited']}: a report cannot cite what came "
            "after it; its spec's date should be at least that.")


# ---------------------------------------------------------------------------------------------------------------
# --- benchmark scenarios and subgroups ---


def _scenario(w: Words, name: object) -> str:
    return f"‘{w.names.get(str(name), str(name))}’"


@phrase(fact("variants-no-change", scenarios=("a-b", "c")))
def _variants_no_change(f: Fact, w: Words) -> str:
    names = list(f["scenarios"])  # type: ignore[arg-type]
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
    by = join([f"by {b}" for b in f["by"]])  # type: ignore[union-attr]
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

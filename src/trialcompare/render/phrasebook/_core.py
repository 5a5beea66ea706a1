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

from ...appraise.facts import Fact, fact

__all__ = ["ALTERNATIVE_WORDS", "ENDPOINT_NAMES", "EXAMPLES", "FACTOR_NAMES", "PHRASES", "RESULT_WORDS", "SILENT",
           "THEME_WORDS", "Words", "factor_name", "join", "phrase", "plural", "result_words", "say",
           "statement_words"]


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
    below = f.tokens("below")
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


def _factors(codes: Iterable[object]) -> str:
    return join([factor_name(c) for c in codes])


def _pct(n: int | float, d: int | float) -> str:
    return f"{n}/{d} = {100 * int(n) / int(d):.1f}%"


# ---------------------------------------------------------------------------------------------------------------
# the verdict


@phrase(fact("observed-direction", cohort="a", direction="higher", outcomes=("ORR", "DCR"), not_outcomes=("OS",),
             all=False))
def _observed_direction(f: Fact, w: Words) -> str:
    word = "highest" if f["direction"] == "higher" else "lowest"
    held = join([str(o) for o in f.tokens("outcomes")])
    if f["all"]:
        return (f"As printed, {w.cohort(f['cohort'])} has the {word} observed {held} of the cohorts compared "
                "(a description of the published numbers).")
    missed = join([str(o) for o in f.tokens("not_outcomes")])
    first = (f"As printed, {w.cohort(f['cohort'])} has the {word} observed {held}" if held else
             f"As printed, {w.cohort(f['cohort'])} does not have the {word} observed rate for any claimed outcome")
    return f"{first}, but not the {word} {missed}." if missed else f"{first}."


@phrase(fact("causal-superiority", cohort="a", kinds=("unanchored",)))
def _causal(f: Fact, w: Words) -> str:
    kinds = join([str(e) for e in f.tokens("kinds")])
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
        parts.append(f"Measured at baseline, {_factors(f.tokens('against'))} are more frequent in the reference than "
                     "in some comparators (beyond sampling noise), which on its own would bias a naive comparison "
                     "against it.")
    if f["favours"]:
        parts.append(f"{_factors(f.tokens('favours')).capitalize()} favours the reference.")
    if f["unmeasured"]:
        parts.append(f"Not measured in these tables: {_factors(f.tokens('unmeasured'))}.")
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


def _medians(f: Fact) -> str:
    """``"median EFS 11.7 vs 11.4 months; ..."`` from the fact's ``(endpoint, mine, theirs)`` rows: medians in months
    (one printed in weeks converted), to 2 decimals."""
    return "; ".join(f"median {ep} {_months(theirs)} vs {_months(mine)} months"
                     + (" (different endpoints)" if "/" in str(ep) else "")
                     for ep, mine, theirs in f.rows("medians"))


def _months(x: object) -> str:
    if not isinstance(x, int | float):
        raise TypeError(f"a median is a number, not {x!r}")
    return f"{round(x, 2):g}"


@phrase(fact("closest-comparator", cohort="b", reference="a", shares=("registration", "endpoint"),
             medians=(("EFS", 11.4, 11.7), ("OS", 19.8, 30.4)), compares="better"))
def _closest(f: Fact, w: Words) -> str:
    shares = join([{"registration": "registration", "centre": "centres", "accrual": "accrual years",
                    "endpoint": "endpoint", "design": "design"}.get(str(s), str(s)) for s in f.tokens("shares")])
    medians = _medians(f)
    verdict = {"better": "on the time-to-event outcomes it does as well or better, which does not support an "
                         "added benefit",
               "worse": "on the time-to-event outcomes it does worse",
               "mixed": "on the time-to-event outcomes it does better on some and worse on others"}.get(
        str(f["compares"]), str(f["compares"]))
    return (f"{w.cohort(f['cohort'])}, the comparator most like {w.cohort(f['reference'])} (same {shares}): "
            f"{medians}; {verdict}.")


@phrase(fact("comparator-selection", k=3, selection="authors-choice"))
def _comparator_selection(f: Fact, w: Words) -> str:
    k = plural(int(f.number("k")), "comparator")
    how = {"authors-choice": "were chosen by the authors of the claim, without a stated search: other published "
                             "cohorts may tell a different story",
           "systematic-search": "come from a systematic search",
           "convenience": "were chosen for this report without a stated search: other published cohorts may tell a "
                          "different story",
           "not_stated": "were chosen in a way this report does not state"}.get(str(f["selection"]),
                                                                             str(f["selection"]))
    return f"The {k} {how}."


_CLASS_WORDS = {"vegfr-tki": "a VEGFR tyrosine kinase inhibitor", "pd-1-inhibitor": "a PD-1 inhibitor",
                "mtor-inhibitor": "an mTOR inhibitor", "alkylating": "an alkylating agent",
                "topoisomerase-ii-inhibitor": "a topoisomerase II inhibitor", "antimetabolite": "an antimetabolite",
                "taxane": "a taxane"}


@phrase(fact("regimen-analogue", cohort="b", reference="a", agents=("etoposide", "ifosfamide"),
             classes=("vegfr-tki",), medians=(("EFS/PFS", 11.4, 8.7), ("OS", 19.8, 16.3))))
def _regimen_analogue(f: Fact, w: Words) -> str:
    shared = [str(x) for x in f.tokens("agents")] + [_CLASS_WORDS.get(str(c), str(c)) for c in f.tokens("classes")]
    medians = _medians(f)
    return (f"{w.cohort(f['cohort'])}, the comparator whose regimen is most like {w.cohort(f['reference'])}'s "
            f"(both with {join(shared)})" + (f": {medians}." if medians else "."))


@phrase(fact("selection-signal", cohort="a", progressions=0, n=33))
def _selection(f: Fact, w: Words) -> str:
    return (f"{w.cohort(f['cohort'])} is a retrospective series with {f['progressions']} of {f['n']} patients "
            "progressing as best response — a sign of selection (patients who progressed early may not have been "
            "included).")


@phrase(fact("dcr-without-duration", cohort="a", cbr_n=27, cbr_denominator=33, time=6.0, unit="months"))
def _dcr(f: Fact, w: Words) -> str:
    rate = _pct(f.number("cbr_n"), f.number("cbr_denominator"))
    return (f"Disease control has no minimum duration of stable disease; {w.cohort(f['cohort'])}'s time-anchored "
            f"clinical benefit rate at {f['time']:g} {f['unit']} is {rate}.")


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
    return f"selection of patients in the retrospective series {w.cohorts(f.tokens('cohorts'))}"


@phrase(fact("rob-confounding", against=("ecog",), favours=("resectable_at_entry",), unmeasured=("refractory",)))
def _rob_confounding(f: Fact, w: Words) -> str:
    counts = [(f.tokens("against"), "worse in the reference"), (f.tokens("favours"), "favouring it"),
              (f.tokens("unmeasured"), "not measured")]
    parts = [f"{plural(len(v), 'factor')} {what}" for v, what in counts if v]
    return "confounding not adjusted for" + (f" ({'; '.join(parts)}; named above)" if parts else "")


@phrase(fact("rob-assessment", cohorts=("a",)))
def _rob_assessment(f: Fact, w: Words) -> str:
    return f"responses read retrospectively in {w.cohorts(f.tokens('cohorts'))}"


@phrase(fact("rob-overlap", pairs=(("a", "b"), ("a", "c"))))
def _rob_overlap(f: Fact, w: Words) -> str:
    pairs = [f"{w.cohort(a)} and {w.cohort(b)}" for a, b in f.rows("pairs")]
    return "cohorts that may share patients (" + "; ".join(pairs) + ")"


@phrase(fact("rob-data-errors", cohorts=("a",)))
def _rob_errors(f: Fact, w: Words) -> str:
    return f"unresolved errors in the published numbers of {w.cohorts(f.tokens('cohorts'))}"


@phrase(fact("inconsistent-directions", higher=("a",), lower=("b",)))
def _inconsistent(f: Fact, w: Words) -> str:
    higher, lower = w.cohorts(f.tokens("higher")), w.cohorts(f.tokens("lower"))
    return f"the reference does better than {higher} but worse than {lower}"


@phrase(fact("indirect-eligibility", reference="a", resectable="included", cohorts=("b",)))
def _indirect_eligibility(f: Fact, w: Words) -> str:
    other = "excluded" if f["resectable"] == "included" else "included"
    return (f"{w.cohort(f['reference'])} {f['resectable']} resectable disease and {w.cohorts(f.tokens('cohorts'))} "
            f"{other} it")


@phrase(fact("indirect-endpoints", endpoints=("EFS", "PFS")))
def _indirect_endpoints(f: Fact, w: Words) -> str:
    return "different endpoints are compared (" + " vs ".join(str(e) for e in f.tokens("endpoints")) + ")"


@phrase(fact("indirect-definitions"))
def _indirect_definitions(f: Fact, w: Words) -> str:
    return "endpoint definitions differ or are missing"


@phrase(fact("indirect-resection"))
def _indirect_resection(f: Fact, w: Words) -> str:
    return "surgical resection is inside an endpoint in some cohorts"


@phrase(fact("imprecise-threshold", outcome="ORR", threshold=0.1, cohorts=("a",), all=False))
def _imprecise_threshold(f: Fact, w: Words) -> str:
    who = "every comparator" if f["all"] else w.cohorts(f.tokens("cohorts"))
    return (f"the interval of the {f['outcome']} difference against {who} includes the decision threshold of "
            f"{100 * float(f.number('threshold')):g} percentage points")


@phrase(fact("imprecise-ois", outcome="ORR", relative=1.25, cohorts=("a",), all=False))
def _imprecise_ois(f: Fact, w: Words) -> str:
    who = "every comparison" if f["all"] else f"the comparison with {w.cohorts(f.tokens('cohorts'))}"
    rel = round(100 * (float(f.number("relative")) - 1))
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
    "sources": "Sources: some numbers were read in secondary reports or reviews, not in the publication.",
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

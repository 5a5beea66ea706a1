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

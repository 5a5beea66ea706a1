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

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

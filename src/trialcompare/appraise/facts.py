"""Typed judgement facts: a code, its parameters and the evidence it rests on — never a sentence.

Every judgement rule of :mod:`trialcompare.appraise` returns :class:`Fact` objects. A fact says *what* a rule found
(``code``), with the numbers and names the rule tested (``params``: thresholds, counts, cohort ids, ``all`` when
the rule tested every cohort) and *why* (``evidence``: finding ids, table cells, descriptor locations). The one
place a fact becomes words is :mod:`trialcompare.render.phrasebook`, which builds the sentence from the parameters,
so the words cannot say "every" when the rule tested "any".

Parameters hold no free text: a string parameter is a token (a cohort id, a code, an outcome name) without
whitespace; :func:`check_token` enforces it when a fact is made.

Examples
--------
>>> f = fact("small-cohorts", below=("apatinib", "ie"), limit=50, all=False)
>>> f.code, f["limit"], f["all"]
('small-cohorts', 50, False)
>>> fact("x", text="free words")
Traceback (most recent call last):
...
ValueError: fact 'x': parameter 'text' holds free text ('free words'); facts carry tokens, numbers and flags only
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

__all__ = ["Fact", "Param", "Scalar", "check_token", "fact", "params_of"]

Scalar = int | float | bool | str | None
Param = Scalar | tuple[Scalar, ...] | tuple[tuple[Scalar, ...], ...]

def _flat(value: Param) -> TypeGuard[tuple[Scalar, ...]]:
    return isinstance(value, tuple) and not any(isinstance(v, tuple) for v in value)


def _nested(value: Param) -> TypeGuard[tuple[tuple[Scalar, ...], ...]]:
    return isinstance(value, tuple) and all(isinstance(v, tuple) for v in value)


_TOKEN = re.compile(r"^[A-Za-z0-9≥≤<>=+\-_.:|/%()]*$")


def check_token(code: str, key: str, value: object) -> None:
    """Refuse a parameter value that is not a token, a number, a flag, None or a tuple of them.

    Parameters
    ----------
    code : str
        The fact's code (for the message).
    key : str
        The parameter's name.
    value : object
        The value to check.

    Raises
    ------
    ValueError
        When the value is free text (a string with whitespace or punctuation beyond an id's) or of another type.

    Examples
    --------
    >>> check_token("c", "cohort", "apatinib-ie")
    >>> check_token("c", "n", (33, 37.5, None))
    """
    if isinstance(value, tuple):
        for v in value:
            check_token(code, key, v)
        return
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"fact {code!r}: parameter {key!r} is not finite ({value!r})")
        return
    if isinstance(value, str):
        if not _TOKEN.match(value):
            raise ValueError(f"fact {code!r}: parameter {key!r} holds free text ({value!r}); facts carry tokens, "
                             "numbers and flags only")
        return
    raise ValueError(f"fact {code!r}: parameter {key!r} has type {type(value).__name__}")


@dataclass(frozen=True)
class Fact:
    """One judgement: what a rule found, with what it tested and what it rests on.

    Attributes
    ----------
    code : str
        The rule's finding, e.g. ``"small-cohorts"`` (a key of the phrasebook).
    params : tuple of (str, Param)
        Sorted name/value pairs: numbers, flags, tokens (ids, codes) or tuples of them.
    evidence : tuple of str
        What the fact rests on: finding ids, cells (``"cohort/variable/level"``), descriptor locations.
    """

    code: str
    params: tuple[tuple[str, Param], ...] = ()
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_token("code", "code", self.code)
        for key, value in self.params:
            check_token(self.code, key, value)

    def __getitem__(self, key: str) -> Param:
        for k, v in self.params:
            if k == key:
                return v
        raise KeyError(f"fact {self.code!r} has no parameter {key!r}")

    def get(self, key: str, default: Param = None) -> Param:
        """The parameter ``key``, or ``default`` when the fact has none.

        Parameters
        ----------
        key : str
        default : Param

        Returns
        -------
        Param

        Examples
        --------
        >>> fact("a", n=3).get("m", 0)
        0
        """
        try:
            return self[key]
        except KeyError:
            return default

    def number(self, key: str) -> int | float:
        """The parameter ``key``, a number (a count, a threshold).

        Parameters
        ----------
        key : str
            The parameter's name.

        Returns
        -------
        int or float
            Its value.

        Raises
        ------
        TypeError
            When the value is not a number.

        Examples
        --------
        >>> fact("a", k=3).number("k")
        3
        """
        value = self[key]
        if isinstance(value, int | float):
            return value
        raise TypeError(f"fact {self.code!r}: parameter {key!r} is not a number ({value!r})")

    def tokens(self, key: str) -> tuple[Scalar, ...]:
        """The parameter ``key``, a tuple of tokens or numbers (cohort ids, outcome names, ...).

        Parameters
        ----------
        key : str
            The parameter's name.

        Returns
        -------
        tuple
            Its values.

        Raises
        ------
        TypeError
            When the value is not a tuple, or holds tuples (:meth:`rows`).

        Examples
        --------
        >>> fact("a", cohorts=["x", "y"]).tokens("cohorts")
        ('x', 'y')
        """
        value = self[key]
        if _flat(value):
            return value
        raise TypeError(f"fact {self.code!r}: parameter {key!r} is not a tuple of tokens ({value!r})")

    def rows(self, key: str) -> tuple[tuple[Scalar, ...], ...]:
        """The parameter ``key``, a tuple of tuples (pairs of cohorts, ``(endpoint, median, median)`` rows, ...).

        Parameters
        ----------
        key : str
            The parameter's name.

        Returns
        -------
        tuple of tuple
            Its rows.

        Raises
        ------
        TypeError
            When the value is not a tuple of tuples.

        Examples
        --------
        >>> fact("a", pairs=[("x", "y")]).rows("pairs")
        (('x', 'y'),)
        """
        value = self[key]
        if _nested(value):
            return value
        raise TypeError(f"fact {self.code!r}: parameter {key!r} is not a tuple of tuples ({value!r})")

    def replace(self, **params: Param) -> Fact:
        """A copy with some parameters changed (the phrasebook's tests vary one parameter at a time).

        Parameters
        ----------
        **params : Param

        Returns
        -------
        Fact

        Examples
        --------
        >>> fact("a", n=3).replace(n=4)["n"]
        4
        """
        return Fact(self.code, tuple(sorted((dict(self.params) | params).items())), self.evidence)


def fact(code: str, evidence: Iterable[str] = (), **params: Param) -> Fact:
    """Make a :class:`Fact` (parameters sorted by name; lists become tuples).

    Parameters
    ----------
    code : str
    evidence : iterable of str
    **params : Param

    Returns
    -------
    Fact

    Examples
    --------
    >>> fact("overlap", cohorts=["a", "b"], rule="shared-centre").params
    (('cohorts', ('a', 'b')), ('rule', 'shared-centre'))
    """
    clean = {k: _frozen(v) for k, v in params.items()}
    return Fact(code, tuple(sorted(clean.items())), tuple(evidence))


def _frozen(value: Param | list[Any]) -> Param:
    """A parameter with its lists, and the lists in them, made tuples."""
    if not isinstance(value, list | tuple):
        return value
    items: list[Any] = [tuple(x) if isinstance(x, list) else x for x in value]
    return tuple(items)


def params_of(facts: Iterable[Fact], code: str) -> list[Mapping[str, Param]]:
    """The parameters of every fact with ``code``, as dicts.

    Parameters
    ----------
    facts : iterable of Fact
    code : str

    Returns
    -------
    list of dict

    Examples
    --------
    >>> params_of([fact("a", n=1), fact("b"), fact("a", n=2)], "a")
    [{'n': 1}, {'n': 2}]
    """
    return [dict(f.params) for f in facts if f.code == code]

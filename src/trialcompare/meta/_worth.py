"""What is worth showing of a benchmark's subgroups and scenarios: a partition or scenario that changes nothing, repeats
another, or leaves fewer than three cohorts is flagged (codes of :data:`trialcompare.options.BENCHMARK_REASONS`)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import polars as pl

__all__ = ["MIN_K", "scenario_worth_showing", "subgroup_worth_showing"]

MIN_K = 3
"""Smallest number of cohorts that gets a pooled number (DESIGN.md: k < 3 is not estimable)."""
_MIN_K = MIN_K


def subgroup_worth_showing(
    cohorts: Sequence[str], partitions: Mapping[str, Sequence[Hashable]], min_k: int = _MIN_K
) -> pl.DataFrame:
    """Flag subgroup partitions that add nothing: one group, a repeat of another partition, or a subgroup with k < 3.

    Parameters
    ----------
    cohorts : sequence of str
        The pooled cohorts.
    partitions : mapping of str to sequence
        Partition name (e.g. ``"design"``) → the group of each cohort, in the order of ``cohorts``.
    min_k : int
        Smallest subgroup that gets a pooled number.

    Returns
    -------
    polars.DataFrame
        ``by, groups, smallest_k, worth_showing, reason, same_as`` (reason codes ``"single-group"``,
        ``"same-partition"``, ``"subgroup-k<3"``; null when worth showing).

    Examples
    --------
    >>> f = subgroup_worth_showing(["a", "b", "c", "d"], {"design": ["p", "p", "r", "r"],
    ...                                                 "endpoint": ["PFS", "PFS", "EFS", "EFS"]})
    >>> f["reason"].to_list(), f["same_as"].to_list()
    (['subgroup-k<3', 'same-partition'], [None, 'design'])
    """
    seen: dict[frozenset, str] = {}
    rows = []
    for by, groups in partitions.items():
        g = list(groups)
        if len(g) != len(cohorts):
            raise ValueError(f"partition {by!r} has {len(g)} entries but there are {len(cohorts)} cohorts")
        members: dict[Hashable, set[str]] = {}
        for cid, grp in zip(cohorts, g, strict=True):
            members.setdefault(grp, set()).add(cid)
        key = frozenset(frozenset(m) for m in members.values())
        smallest = min((len(m) for m in members.values()), default=0)
        reason, same = _partition_reason(len(members), seen.get(key), smallest, min_k)
        seen.setdefault(key, by)
        rows.append({"by": by, "groups": len(members), "smallest_k": smallest, "worth_showing": reason is None,
                     "reason": reason, "same_as": same})  # fmt: skip
    schema = {"by": pl.String, "groups": pl.Int64, "smallest_k": pl.Int64, "worth_showing": pl.Boolean,
              "reason": pl.String, "same_as": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def _partition_reason(n_groups: int, same: str | None, smallest: int, min_k: int) -> tuple[str | None, str | None]:
    if n_groups < 2:
        return "single-group", None
    if same is not None:
        return "same-partition", same
    if smallest < min_k:
        return "subgroup-k<3", None
    return None, None


def _count_key(frame: pl.DataFrame) -> frozenset:
    used = frame.filter(pl.col("events").is_not_null())
    return frozenset(zip(used["cohort"].to_list(), used["events"].to_list(), used["total"].to_list(), strict=True))


def scenario_worth_showing(
    primary: pl.DataFrame, scenarios: Mapping[str, pl.DataFrame], min_k: int = _MIN_K
) -> pl.DataFrame:
    """Flag scenarios that change nothing (the same counts as the primary or an earlier scenario) or have k < 3.

    Parameters
    ----------
    primary : polars.DataFrame
        Counts of the primary analysis (``cohort, events, total``; rows with null ``events`` are not pooled), e.g.
        :attr:`Benchmark.comparators` or :func:`~trialcompare.meta.suite.outcome_data`.
    scenarios : mapping of str to polars.DataFrame
        Scenario name → its counts, in the same form.
    min_k : int
        Smallest k that gets a pooled number.

    Returns
    -------
    polars.DataFrame
        ``name, k, worth_showing, reason, same_as`` (codes ``"no-change"``, ``"same-as-scenario"``, ``"k<3"``).

    Examples
    --------
    >>> base = pl.DataFrame({"cohort": ["a", "b", "c"], "events": [1, 2, 3], "total": [10, 10, 10]})
    >>> f = scenario_worth_showing(base, {"same": base, "drop-c": base.head(2)})
    >>> f["reason"].to_list()
    ['no-change', 'k<3']
    """
    seen: dict[frozenset, str] = {_count_key(primary): ""}
    rows = []
    for name, frame in scenarios.items():
        key = _count_key(frame)
        earlier = seen.get(key)
        reason: str | None
        same: str | None
        if earlier == "":
            reason, same = "no-change", None
        elif earlier is not None:
            reason, same = "same-as-scenario", earlier
        else:
            reason, same = ("k<3", None) if len(key) < min_k else (None, None)
        seen.setdefault(key, name)
        rows.append({"name": name, "k": len(key), "worth_showing": reason is None, "reason": reason, "same_as": same})
    schema = {"name": pl.String, "k": pl.Int64, "worth_showing": pl.Boolean, "reason": pl.String,
              "same_as": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")

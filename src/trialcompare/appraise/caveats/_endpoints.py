"""Caveat rules about time-to-event endpoints: which endpoint is compared, how it is defined, how resection enters
it and how its medians' intervals are printed. Each rule returns caveats whose fact holds tokens only."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...rules import compared_endpoint
from ..facts import fact
from ._base import Caveat, Context, handling

if TYPE_CHECKING:
    from ...descriptor.models import Endpoint

__all__ = ["definition_differs", "endpoint_differs", "interval_token", "interval_types", "resection"]


# --------------------------------------------------------------------------------------------------------------
# 1. ENDPOINT-DIFFERS


def endpoint_differs(ctx: Context) -> list[Caveat]:
    """The compared endpoint (:func:`trialcompare.rules.compared_endpoint`) is not the same in every cohort.

    The fact ``endpoint-differs`` lists each cohort with its compared endpoint and how its definition handles
    resection (``compared``: ``(cohort, endpoint, handling)`` rows), and the cohorts that also report another
    cohort's compared endpoint (``also``, rows alike).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    compared = {c.id: ep for c in ctx.cohorts if (ep := compared_endpoint(c.descriptor)) is not None}
    order = ctx.order(compared)
    names = {compared[cid].name for cid in order}
    if len(names) < 2:
        return []
    also = [(cid, e) for cid in order for e in ctx.desc(cid).endpoints
            if e.name in names and e.name != compared[cid].name]
    f = fact("endpoint-differs", evidence=[f"{cid}/endpoint.{compared[cid].name}" for cid in order],
             compared=tuple((cid, compared[cid].name, handling(compared[cid])) for cid in order),
             also=tuple((cid, e.name, handling(e)) for cid, e in also))
    return [ctx.caveat("ENDPOINT-DIFFERS", "major", compared, (f"endpoint:{n}" for n in names), f)]


# --------------------------------------------------------------------------------------------------------------
# 2. DEFINITION-DIFFERS

_ORIGIN_STOP = {"the", "of", "date", "at", "which", "was", "a", "an", "on", "day", "from", "time", "when"}
_ORIGIN_SAME = {
    "initiation": "start",
    "started": "start",
    "beginning": "start",
    "commencement": "start",
    "therapy": "treatment",
}
_ANY_CAUSE = re.compile(r"\s*\(?\b(?:from|of)?\s*any cause\)?")


def _origin_key(origin: str) -> frozenset[str]:
    """Words of a time origin that carry meaning ("date of treatment initiation" == "start of treatment")."""
    words = re.findall(r"[a-z0-9+]+", origin.lower())
    return frozenset(_ORIGIN_SAME.get(w, w) for w in words if w not in _ORIGIN_STOP)


def _events_key(events: Sequence[str]) -> frozenset[str]:
    return frozenset(_ANY_CAUSE.sub("", " ".join(e.lower().split())).strip() for e in events)


def _aspects(endpoint: Endpoint) -> dict[str, Any] | None:
    """The comparison key of each aspect of a definition; None when there is no definition."""
    d = endpoint.definition
    if d is None:
        return None
    return {"origin": _origin_key(d.origin), "events": _events_key(d.events), "resection": d.resection}


def _definition_differs_for(ctx: Context, name: str, endpoints: dict[str, Endpoint]) -> Caveat | None:
    aspects = {cid: _aspects(ep) for cid, ep in endpoints.items()}
    defined = [a for a in aspects.values() if a is not None]
    if not defined:
        return None
    differing = tuple(k for k in ("origin", "events", "resection") if len({a[k] for a in defined}) > 1)
    if not differing and len(defined) == len(aspects):
        return None
    order = ctx.order(endpoints)
    f = fact("definition-differs", evidence=[f"{cid}/endpoint.{name}.definition" for cid in order],
             endpoint=name, cohorts=tuple((cid, handling(endpoints[cid])) for cid in order), differing=differing)
    return ctx.caveat("DEFINITION-DIFFERS", "major", endpoints, [f"endpoint:{name}"], f)


def definition_differs(ctx: Context) -> list[Caveat]:
    """An endpoint reported by two or more cohorts is defined differently (time origin, events, resection), or
    not at all in some.

    The fact ``definition-differs`` names the endpoint, the cohorts with how each handles resection (``none``: no
    definition) and the aspects that differ; the words of each origin and events list are the descriptor's, looked
    up by render (``origin:<cohort>:<endpoint>``, ``events:<cohort>:<endpoint>``).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    by_name: dict[str, dict[str, Endpoint]] = {}
    for c in ctx.cohorts:
        for ep in c.descriptor.endpoints:
            by_name.setdefault(ep.name, {}).setdefault(c.id, ep)
    found = [_definition_differs_for(ctx, name, eps) for name, eps in sorted(by_name.items()) if len(eps) > 1]
    return [c for c in found if c is not None]


# --------------------------------------------------------------------------------------------------------------
# 3. RESECTION


def _resection_handling(endpoint: Endpoint) -> str:
    if endpoint.definition is not None:
        return endpoint.definition.resection
    return "not-applicable" if endpoint.name == "OS" else "unspecified"


def _surgical_remission(ctx: Context, cohort_id: str) -> tuple[int, int | None, str]:
    """Largest reported count of complete surgical remission, its denominator and where it is printed."""
    rows = [
        r
        for r in ctx.rows(cohort=cohort_id, section="outcome", variable="surgical_remission", level="yes")
        if r["n"] is not None
    ]
    if not rows:
        return 0, None, ""
    best = max(rows, key=lambda r: r["n"])
    return best["n"], best["denominator"], str(best.get("location") or "")


def _resection_for(ctx: Context, cohort_id: str) -> Caveat | None:
    n, denominator, where = _surgical_remission(ctx, cohort_id)
    affected = [ep for ep in ctx.desc(cohort_id).endpoints if _resection_handling(ep) != "not-applicable"]
    if n <= 0 or not affected:
        return None
    f = fact("resection", evidence=[f"{cohort_id}/outcome.surgical_remission.yes@{where}"],
             cohort=cohort_id, n=n, denominator=denominator,
             endpoints=tuple((ep.name, _resection_handling(ep)) for ep in affected))
    return ctx.caveat("RESECTION", "major", [cohort_id], (f"endpoint:{ep.name}" for ep in affected), f)


def resection(ctx: Context) -> list[Caveat]:
    """A cohort had complete surgical remission and an endpoint whose definition does not exclude resection.

    The fact ``resection`` gives the cohort, the count and its denominator, and each endpoint affected with how it
    handles resection (``unspecified`` when it has no definition).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    found = [_resection_for(ctx, c.id) for c in ctx.cohorts]
    return [c for c in found if c is not None]


# --------------------------------------------------------------------------------------------------------------
# 4. INTERVAL-TYPES


def interval_token(types: Sequence[str]) -> str:
    """The interval types one cohort prints for a median, as one token (spaces become ``_``, types join with
    ``|``, ``none`` when it prints no interval).

    Parameters
    ----------
    types : sequence of str

    Returns
    -------
    str

    Examples
    --------
    >>> interval_token(["IQR", "95% CI"]), interval_token([])
    ('95%_CI|IQR', 'none')
    """
    return "|".join(sorted(t.replace(" ", "_") for t in types)) or "none"


def _interval_types_for(ctx: Context, name: str, rows: list[dict[str, Any]]) -> Caveat | None:
    types: dict[str, set[str]] = {}
    for r in rows:
        types.setdefault(r["cohort"], set())
        if r["interval_type"]:
            types[r["cohort"]].add(r["interval_type"])
    if len(types) < 2 or set.intersection(*types.values()):
        return None
    order = ctx.order(types)
    f = fact("interval-types", evidence=[f"{cid}/endpoint.{name}.median" for cid in order],
             endpoint=name, cohorts=tuple((cid, interval_token(list(types[cid]))) for cid in order))
    return ctx.caveat("INTERVAL-TYPES", "minor", types, [f"median:{name}"], f)


def interval_types(ctx: Context) -> list[Caveat]:
    """The medians of one endpoint are printed with interval types that not all cohorts share.

    The fact ``interval-types`` gives the endpoint and, per cohort, the interval types it prints
    (:func:`interval_token`).

    Parameters
    ----------
    ctx : Context
        The cohorts, frame, findings, SMDs and limits (:func:`~trialcompare.appraise.caveats.derive_caveats`).

    Returns
    -------
    list of Caveat
    """
    rows = ctx.rows(section="endpoint", statistic="median")
    by_name: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_name.setdefault(r["variable"], []).append(r)
    found = [_interval_types_for(ctx, name, rs) for name, rs in sorted(by_name.items())]
    return [c for c in found if c is not None]

"""Checks of a loaded spec against the cohorts loaded with it: every cohort it names was loaded, every substituted
endpoint is reported (re-exported by :mod:`trialcompare.spec`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .load import DescriptorError, Problem

if TYPE_CHECKING:
    from .spec import Spec

__all__ = ["check_spec_cohorts", "check_spec_endpoints"]


def check_spec_endpoints(spec: Spec, endpoints: dict[str, list[str]]) -> None:
    """Refuse every scenario ``substitute_endpoint`` that names an endpoint its cohort does not report.

    :class:`DescriptorError` names the ``file:line:column`` of each.

    Parameters
    ----------
    spec : Spec
        A loaded spec.
    endpoints : dict of str to list of str
        The endpoint names of every loaded cohort, by cohort id.

    Examples
    --------
    >>> from trialcompare.spec import MetaSpec, Scenario, Spec
    >>> spec = Spec(name="s", title="T", meta=MetaSpec(scenarios=[Scenario(name="x", substitute_endpoint={"a": "OS"})]))
    >>> check_spec_endpoints(spec, {"a": ["OS", "PFS"]})  # nothing to say
    """
    problems = [Problem(str(spec.path or "spec"), *spec.position("meta", "scenarios", j, "substitute_endpoint", cid),
                        f"substitute_endpoint: cohort {cid!r} reports no {ep} (it has "
                        f"{', '.join(endpoints[cid]) or 'no endpoint'})")
                for j, sc in enumerate(spec.meta.scenarios) for cid, ep in sc.substitute_endpoint.items()
                if cid in endpoints and ep not in endpoints[cid]]
    if problems:
        raise DescriptorError(problems)


def check_spec_cohorts(spec: Spec, ids: list[str]) -> None:
    """Refuse every cohort id the spec names that was not loaded.

    Parameters
    ----------
    spec : Spec
    ids : list of str
        The ids of the cohorts loaded.

    Raises
    ------
    DescriptorError
        Naming the ``file:line:column`` of each such id.
    """
    named: list[tuple[tuple, str]] = [(("cohorts", i), c) for i, c in enumerate(spec.cohorts or [])]
    named += [(("reference",), spec.reference)] if spec.reference else []
    named += [(("denominators", c), c) for c in spec.denominators]
    for j, sc in enumerate(spec.meta.scenarios):
        named += [(("meta", "scenarios", j, "exclude", i), c) for i, c in enumerate(sc.exclude)]
        named += [(("meta", "scenarios", j, key, c), c) for key in ("denominators", "substitute_endpoint")
                  for c in getattr(sc, key)]
    file = str(spec.path or "spec")
    searched = ", ".join(spec.trials)
    problems = [Problem(file, *spec.position(*loc), f"cohort {cid!r} was not loaded from {searched} (the spec's "
                        f"trials: and any --trials); loaded: {', '.join(ids)}; a descriptor outside the spec's "
                        "project folder is named on the command line: report SPEC --trials DIR")
                for loc, cid in named if cid not in ids]
    if problems:
        raise DescriptorError(problems)

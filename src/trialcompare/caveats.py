"""Caveats: plain-English sentences derived by rules from descriptors, the harmonized frame and integrity findings.

Each rule is one small function ``(context) -> list[Caveat]``; :data:`CAVEAT_RULES` describes every rule in one line
(for a report's methods section). A caveat names the cohorts it concerns by their labels and lists the places
(``targets``) where it must be shown next to numbers as well as in the caveats section.

>>> import trialcompare as tc
>>> from trialcompare.caveats import derive_caveats, caveats_for
>>> cs = tc.load("trials")                                   # doctest: +SKIP
>>> caveats = derive_caveats(cs, reference="apatinib-ie")    # doctest: +SKIP
>>> for caveat in caveats_for(caveats, "endpoint:EFS"):      # doctest: +SKIP
...     print(caveat.severity, caveat.code, caveat.text)

Targets are ``"endpoint:<EP>"`` (any number of that time-to-event endpoint), ``"median:<EP>"`` (its medians and
their intervals), ``"outcome:<ORR|DCR|CBR|best_response|...>"``, ``"baseline:<variable>"``, ``"population"``,
``"design"``, ``"meta"`` (pooled, meta-analytic results) and ``"all"`` (every number).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .descriptor.vocabulary import ENDPOINTS, VARIABLES
from .frame import months
from .rules import compared_endpoint, patient_overlap, resectability, row_label

if TYPE_CHECKING:
    import polars as pl

    from .checks.finding import Finding
    from .descriptor.models import Descriptor, Endpoint
    from .load import CohortSet

__all__ = ["CAVEAT_RULES", "SMD_MAJOR", "Caveat", "caveats_for", "derive_caveats", "plain_note"]

SMD_MAJOR = 0.25
"""An |SMD| above this marks a *major* imbalance (Stuart 2010; Rubin 2001); above ``smd_threshold`` it is minor."""

FOLLOW_UP_RATIO = 1.5
"""Median follow-up of two cohorts "differs" when the larger is more than this factor of the smaller."""

CAVEAT_RULES: dict[str, str] = {
    "ENDPOINT-DIFFERS": (
        "the time-to-event endpoint compared (each cohort's primary endpoint other than OS, else its first) is not "
        "the same in every cohort, e.g. EFS vs PFS — major."
    ),
    "DEFINITION-DIFFERS": (
        "an endpoint reported by two or more cohorts has different definitions (time origin, events or handling of "
        "resection) or no definition in some cohort — major."
    ),
    "RESECTION": (
        "a cohort had complete surgical remission (> 0 patients) and an endpoint whose definition does not exclude "
        "resection (censored, event, not counted, unspecified): local therapy affects it — major."
    ),
    "INTERVAL-TYPES": (
        "the medians of one endpoint are printed with interval types (95% CI, IQR, range) that not all cohorts "
        "share, or without any interval in some cohort — minor."
    ),
    "DESIGN-DIFFERS": "prospective trials and retrospective series are compared (selection bias) — major.",
    "ELIGIBILITY-DIFFERS": (
        "the sources say that some cohorts enrolled patients with resectable disease and others excluded them "
        "(design.eligibility): outcomes that depend on resection are structurally incomparable between them and "
        "are not tested — major."
    ),
    "POSSIBLE-OVERLAP": (
        "two cohorts share a registration id, or a centre whose accrual periods overlap or are not reported: they "
        "may include the same patients and are not independent — major."
    ),
    "FOLLOW-UP": (
        f"median follow-up (in months; weeks × 12/52.1775) differs by more than a factor {FOLLOW_UP_RATIO:g} between "
        "cohorts even on the closest of their printed values, or is not reported for some cohort — minor."
    ),
    "IMBALANCE": (
        "a baseline variable has |SMD| above the threshold (default 0.1) against the reference, one caveat per "
        f"variable; major when any |SMD| exceeds {SMD_MAJOR:g}, minor otherwise; estimated SMDs are marked."
    ),
    "DATA-ERRORS": (
        "a cohort has integrity findings of severity error: unacknowledged — major; acknowledged by the curator "
        "(kept as printed) — minor; what each finding means is said in words (codes and fields are in the annex)."
    ),
    "SMALL-SAMPLE": "a cohort has fewer patients than the small-sample limit (default 50) — minor.",
    "NON-RANDOMISED": (
        "unless every cohort is an arm of one randomised study: the cohorts were not randomised against each other, "
        "so every between-cohort difference is unanchored and non-randomised (randomised arms named) — major."
    ),
    "DENOMINATOR": (
        "the N the comparison table uses differs from another reported analysis-set size of the same cohort — minor."
    ),
}


@dataclass(frozen=True)
class Caveat:
    """One caveat about a comparison.

    Attributes
    ----------
    code : str
        Stable code, a key of :data:`CAVEAT_RULES` (``"ENDPOINT-DIFFERS"``, ...).
    severity : {"major", "minor"}
    cohorts : tuple of str
        Ids of the cohorts it concerns (reference first when concerned, the others sorted).
    targets : tuple of str
        Where it must be shown next to numbers (sorted): ``"endpoint:EFS"``, ``"median:PFS"``,
        ``"outcome:ORR"``, ``"baseline:ecog"``, ``"population"``, ``"design"``, ``"meta"``, ``"all"``.
    text : str
        One plain sentence (or two) naming the cohorts by their labels.
    """

    code: str
    severity: str
    cohorts: tuple[str, ...]
    targets: tuple[str, ...]
    text: str


# --------------------------------------------------------------------------------------------------------------
# context shared by the rules


@dataclass(frozen=True)
class _Context:
    cohorts: CohortSet
    reference: str
    frame: pl.DataFrame
    findings: tuple[Finding, ...]
    smd: pl.DataFrame | None
    smd_threshold: float
    small_n: int
    overlaps: tuple[tuple[str, str], ...] = ()

    def desc(self, cohort_id: str) -> Descriptor:
        return self.cohorts[cohort_id].descriptor

    def label(self, cohort_id: str) -> str:
        return self.desc(cohort_id).label if cohort_id in self.cohorts else cohort_id

    def labels(self, ids: Iterable[str]) -> str:
        return _join([self.label(i) for i in self.order(ids)])

    def order(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Reference first when present, the others sorted."""
        ids = set(ids)
        rest = sorted(ids - {self.reference})
        return (self.reference, *rest) if self.reference in ids else tuple(rest)

    def rows(self, **equal: Any) -> list[dict[str, Any]]:
        import polars as pl

        if self.frame.is_empty():
            return []
        return self.frame.filter(*(pl.col(k) == v for k, v in equal.items())).to_dicts()

    def caveat(self, code: str, severity: str, ids: Iterable[str], targets: Iterable[str], text: str) -> Caveat:
        return Caveat(code, severity, self.order(ids), tuple(sorted(set(targets))), text)


def _join(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _endpoint_name(name: str) -> str:
    return ENDPOINTS.get(name, name).lower()


def _is(n: int, singular: str, plural: str) -> str:
    return singular if n == 1 else plural


# --------------------------------------------------------------------------------------------------------------
# 1. ENDPOINT-DIFFERS

_RESECTION_PHRASE = {
    "censored": "resection censored",
    "event": "resection counted as an event",
    "not-counted": "resection not counted as an event",
    "unspecified": "handling of resection not stated",
}


def _resection(endpoint: Endpoint) -> str:
    if endpoint.definition is not None:
        return endpoint.definition.resection
    return "not-applicable" if endpoint.name == "OS" else "unspecified"


def _phrase(endpoint: Endpoint) -> str | None:
    """How an endpoint handles resection, when its definition says so ("resection censored")."""
    d = endpoint.definition
    return _RESECTION_PHRASE.get(d.resection) if d is not None and d.resection != "unspecified" else None


def _described(endpoints: Sequence[Endpoint]) -> str:
    """Endpoint name with its resection handling when all given endpoints define it alike."""
    phrases = {_phrase(e) for e in endpoints}
    phrase = phrases.pop() if len(phrases) == 1 else None
    name = _endpoint_name(endpoints[0].name)
    return f"{name} ({phrase})" if phrase else name


def _group_clause(ctx: _Context, ids: Sequence[str], compared: dict[str, Endpoint]) -> str:
    """``"A (resection censored) and B report progression-free survival"``."""
    endpoints = [compared[i] for i in ids]
    verb = _is(len(ids), "reports", "report")
    if len({_phrase(e) for e in endpoints}) == 1:
        return f"{ctx.labels(ids)} {verb} {_described(endpoints)}"
    who = [f"{ctx.label(i)} ({p})" if (p := _phrase(compared[i])) else ctx.label(i) for i in ids]
    return f"{_join(who)} {verb} {_endpoint_name(endpoints[0].name)}"


def _endpoint_differs(ctx: _Context) -> list[Caveat]:
    compared = {c.id: ep for c in ctx.cohorts if (ep := compared_endpoint(c.descriptor)) is not None}
    groups: dict[str, list[str]] = {}
    for cid in ctx.order(compared):
        groups.setdefault(compared[cid].name, []).append(cid)
    if len(groups) < 2:
        return []
    clauses = [_group_clause(ctx, ids, compared) for ids in groups.values()]
    text = f"{clauses[0]}, while {_join(clauses[1:])}: their medians and landmark rates measure different things."
    also = _also_reported(ctx, compared, set(groups))
    return [
        ctx.caveat("ENDPOINT-DIFFERS", "major", compared, (f"endpoint:{n}" for n in groups), " ".join([text, *also]))
    ]


def _also_reported(ctx: _Context, compared: dict[str, Endpoint], names: set[str]) -> list[str]:
    """Sentences for cohorts that also report another cohort's compared endpoint (the closer match)."""
    out = []
    for cid in ctx.order(compared):
        extra = [e for e in ctx.desc(cid).endpoints if e.name in names and e.name != compared[cid].name]
        if extra:
            out.append(f"{ctx.label(cid)} also reports {_join([_described([e]) for e in extra])}.")
    return out


# --------------------------------------------------------------------------------------------------------------
# 2. DEFINITION-DIFFERS and RESECTION

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


def _aspects(endpoint: Endpoint) -> dict[str, tuple[Any, str]] | None:
    """(comparison key, display text) of each aspect of a definition; None when there is no definition."""
    d = endpoint.definition
    if d is None:
        return None
    return {
        "origin": (_origin_key(d.origin), f"from {d.origin}"),
        "events": (_events_key(d.events), f"events {_join(list(d.events))}"),
        "resection": (d.resection, _RESECTION_PHRASE.get(d.resection, "resection not applicable")),
    }


def _definition_summary(aspects: dict | None, shown: Sequence[str]) -> str:
    if aspects is None:
        return "no definition reported"
    return ", ".join(aspects[a][1] for a in shown)


_DEFINITION_LEAD = {
    (True, False): "is defined differently across cohorts",
    (True, True): "is defined differently across cohorts and not at all in some",
    (False, True): "is defined in some cohorts but not in others",
}
_DEFINITION_CONSEQUENCE = {
    True: "its medians and landmark rates are not directly comparable",
    False: "it cannot be checked that its medians and landmark rates measure the same thing",
}


def _definition_differs_for(ctx: _Context, name: str, endpoints: dict[str, Endpoint]) -> Caveat | None:
    aspects = {cid: _aspects(ep) for cid, ep in endpoints.items()}
    defined = [a for a in aspects.values() if a is not None]
    if not defined:
        return None
    differing = [k for k in ("origin", "events", "resection") if len({a[k][0] for a in defined}) > 1]
    if not differing and len(defined) == len(aspects):
        return None
    shown = differing or ["origin", "events", "resection"]
    groups: dict[str, list[str]] = {}
    for cid in ctx.order(aspects):
        groups.setdefault(_definition_summary(aspects[cid], shown), []).append(cid)
    parts = "; ".join(f"{ctx.labels(ids)}: {summary}" for summary, ids in groups.items())
    missing = len(defined) < len(aspects)
    lead = _DEFINITION_LEAD[(bool(differing), missing)]
    text = f"{ENDPOINTS.get(name, name)} {lead} ({parts}), so {_DEFINITION_CONSEQUENCE[bool(differing)]}."
    return ctx.caveat("DEFINITION-DIFFERS", "major", endpoints, [f"endpoint:{name}"], text)


def _definition_differs(ctx: _Context) -> list[Caveat]:
    by_name: dict[str, dict[str, Endpoint]] = {}
    for c in ctx.cohorts:
        for ep in c.descriptor.endpoints:
            by_name.setdefault(ep.name, {}).setdefault(c.id, ep)
    found = [_definition_differs_for(ctx, name, eps) for name, eps in sorted(by_name.items()) if len(eps) > 1]
    return [c for c in found if c is not None]


_RESECTION_EFFECT = {
    "censored": "{ep} censors patients at resection",
    "event": "{ep} counts resection as an event",
    "not-counted": "{ep} does not count resection as an event",
    "unspecified": "{ep} does not say how resection is handled",
}


def _surgical_remission(ctx: _Context, cohort_id: str) -> tuple[int, int | None]:
    """Largest reported count of complete surgical remission and its denominator."""
    rows = [
        r
        for r in ctx.rows(cohort=cohort_id, section="outcome", variable="surgical_remission", level="yes")
        if r["n"] is not None
    ]
    if not rows:
        return 0, None
    best = max(rows, key=lambda r: r["n"])
    return best["n"], best["denominator"]


def _resection_for(ctx: _Context, cohort_id: str) -> Caveat | None:
    n, denominator = _surgical_remission(ctx, cohort_id)
    affected = [ep for ep in ctx.desc(cohort_id).endpoints if _resection(ep) != "not-applicable"]
    if n <= 0 or not affected:
        return None
    of = f" of {denominator}" if denominator else ""
    effects = _join([_RESECTION_EFFECT[_resection(ep)].format(ep=_endpoint_name(ep.name)) for ep in affected])
    text = (
        f"In {ctx.label(cohort_id)}, {n}{of} patients had complete surgical remission; {effects}: "
        f"{_is(len(affected), 'this endpoint depends', 'these endpoints depend')} on local therapy as well as on "
        "the systemic treatment."
    )
    return ctx.caveat("RESECTION", "major", [cohort_id], (f"endpoint:{ep.name}" for ep in affected), text)


def _resection_rule(ctx: _Context) -> list[Caveat]:
    found = [_resection_for(ctx, c.id) for c in ctx.cohorts]
    return [c for c in found if c is not None]


# --------------------------------------------------------------------------------------------------------------
# 3. INTERVAL-TYPES

_ARTICLE = {"IQR": "an IQR", "range": "a range", "80% CI": "an 80% CI"}


def _interval_phrase(types: tuple[str, ...]) -> str:
    if not types:
        return "no interval"
    return " or ".join(_ARTICLE.get(t, f"a {t}") for t in types)


def _interval_types_for(ctx: _Context, name: str, rows: list[dict[str, Any]]) -> Caveat | None:
    types: dict[str, set[str]] = {}
    for r in rows:
        types.setdefault(r["cohort"], set())
        if r["interval_type"]:
            types[r["cohort"]].add(r["interval_type"])
    if len(types) < 2 or set.intersection(*types.values()):
        return None
    groups: dict[tuple[str, ...], list[str]] = {}
    for cid in ctx.order(types):
        groups.setdefault(tuple(sorted(types[cid])), []).append(cid)
    parts = _join([f"with {_interval_phrase(t)} in {ctx.labels(ids)}" for t, ids in groups.items()])
    text = (
        f"Median {_endpoint_name(name)} is printed {parts}: a confidence interval measures the uncertainty of "
        "the median, an IQR or range the spread of survival times, so these intervals are not comparable."
    )
    return ctx.caveat("INTERVAL-TYPES", "minor", types, [f"median:{name}"], text)


def _interval_types(ctx: _Context) -> list[Caveat]:
    rows = ctx.rows(section="endpoint", statistic="median")
    by_name: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_name.setdefault(r["variable"], []).append(r)
    found = [_interval_types_for(ctx, name, rs) for name, rs in sorted(by_name.items())]
    return [c for c in found if c is not None]


# --------------------------------------------------------------------------------------------------------------
# 4. DESIGN-DIFFERS

_DESIGN_NOUN = {
    "prospective": ("a prospective trial", "prospective trials"),
    "retrospective": ("a retrospective series", "retrospective series"),
}


def _design_differs(ctx: _Context) -> list[Caveat]:
    groups: dict[str, list[str]] = {}
    for cid in ctx.order(ctx.cohorts.ids):
        groups.setdefault(ctx.desc(cid).design.type, []).append(cid)
    if len(groups) < 2:
        return []
    clauses = [
        f"{ctx.labels(ids)} {_is(len(ids), 'is', 'are')} {_DESIGN_NOUN[t][len(ids) > 1]}" for t, ids in groups.items()
    ]
    text = (
        f"{clauses[0]}, while {_join(clauses[1:])}: patients were selected and followed differently "
        "(selection bias), so differences may reflect who was treated rather than the treatment."
    )
    return [ctx.caveat("DESIGN-DIFFERS", "major", ctx.cohorts.ids, ["design"], text)]


# --------------------------------------------------------------------------------------------------------------
# 4b. ELIGIBILITY-DIFFERS

def _eligibility_differs(ctx: _Context) -> list[Caveat]:
    """Resectable disease included by some cohorts and excluded by others, as their sources say (the rule of
    :func:`trialcompare.rules.incomparable_by_eligibility`); cohorts whose source does not say are named apart."""
    groups: dict[str, list[str]] = {}
    for cid in ctx.order(ctx.cohorts.ids):
        groups.setdefault(resectability(ctx.desc(cid)), []).append(cid)
    included, excluded = groups.get("included", []), groups.get("excluded", [])
    if not included or not excluded:
        return []
    silent = groups.get("not_stated", [])
    unknown = (f" The {_is(len(silent), 'source', 'sources')} of {ctx.labels(silent)} "
               f"{_is(len(silent), 'does', 'do')} not say.") if silent else ""
    text = (
        f"{ctx.labels(included)} enrolled patients whose disease could be resected, while the "
        f"{_is(len(excluded), 'source', 'sources')} of {ctx.labels(excluded)} restrict enrolment to unresectable "
        "disease: complete surgical remission is not comparable between them (not tested), and outcomes that "
        f"resection affects differ by design.{unknown}"
    )
    return [ctx.caveat("ELIGIBILITY-DIFFERS", "major", [*included, *excluded],
                       ["design", "outcome:surgical_remission"], text)]


# --------------------------------------------------------------------------------------------------------------
# 5. POSSIBLE-OVERLAP

def _overlap_pair(ctx: _Context, a: str, b: str) -> Caveat | None:
    a, b = ctx.order([a, b])  # the reference's spelling of shared names is kept
    overlap = patient_overlap(ctx.desc(a), ctx.desc(b))
    if overlap is None or not overlap.possible:
        return None
    centres = overlap.centres if overlap.accrual_overlaps is not False else ()
    what = []
    if overlap.registrations:
        regs = list(overlap.registrations)
        what.append(f"the {_is(len(regs), 'registration', 'registrations')} {_join(regs)}")
    if centres:
        when = "with overlapping accrual" if overlap.accrual_overlaps else \
            "(accrual not reported, so overlap cannot be excluded)"
        what.append(f"{_is(len(centres), 'the centre', 'the centres')} {_join(list(centres))} {when}")
    text = (
        f"{ctx.labels([a, b])} share {_join(what)}: they may include the same patients, so they are not "
        "independent and must not be pooled as independent studies."
    )
    return ctx.caveat("POSSIBLE-OVERLAP", "major", [a, b], ["design", "population", "meta"], text)


def _possible_overlap(ctx: _Context) -> list[Caveat]:
    """One caveat per pair the cross-cohort check found (shared registration, shared centre): the caveat says what
    the finding found, it does not detect it again."""
    found = [_overlap_pair(ctx, a, b) for a, b in ctx.overlaps if a in ctx.cohorts and b in ctx.cohorts]
    return [c for c in found if c is not None]


_OVERLAP_CODES = ("XC-SHARED-REGISTRATION", "XC-SHARED-CENTRE")


def _overlap_pairs(cohorts: CohortSet, findings: Iterable[Finding] | None) -> tuple[tuple[str, str], ...]:
    """Cohort pairs with a possible-overlap finding; the cross-cohort check is run when no findings are given."""
    if findings is None:
        from .checks.cross_cohort import check_cross_cohort

        findings = check_cross_cohort(cohorts.to_frame(), cohorts)
    pairs = {tuple(sorted((f.cohort, *f.related[:1]))) for f in findings if f.code in _OVERLAP_CODES and f.related}
    return tuple(sorted(p for p in pairs if len(p) == 2))  # type: ignore[misc]


# --------------------------------------------------------------------------------------------------------------
# 6. FOLLOW-UP


def _follow_up_months(ctx: _Context) -> dict[str, list[float]]:
    """Every printed median follow-up of each cohort, in months (empty list when none)."""
    out: dict[str, list[float]] = {cid: [] for cid in ctx.cohorts.ids}
    for r in ctx.rows(section="design", variable="follow_up", statistic="median"):
        if r["value"] is not None and r["cohort"] in out:
            out[r["cohort"]].append(months(r["value"], r["unit"] or "months"))
    return out


def _span(values: list[float]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.1f} months" if round(lo, 1) == round(hi, 1) else f"{lo:.1f} to {hi:.1f} months"


def _all_endpoint_targets(ctx: _Context) -> list[str]:
    return [f"endpoint:{e.name}" for c in ctx.cohorts for e in c.descriptor.endpoints]


def _follow_up(ctx: _Context) -> list[Caveat]:
    if len(ctx.cohorts) < 2:
        return []
    fu = _follow_up_months(ctx)
    known = {cid: v for cid, v in fu.items() if v}
    missing = [cid for cid, v in fu.items() if not v]
    targets = ["design", *_all_endpoint_targets(ctx)]
    out = []
    if len(known) >= 2 and max(min(v) for v in known.values()) > FOLLOW_UP_RATIO * min(max(v) for v in known.values()):
        listed = ", ".join(f"{ctx.label(cid)} {_span(known[cid])}" for cid in ctx.order(known))
        text = (
            f"Median follow-up differs by more than a factor {FOLLOW_UP_RATIO:g} between cohorts ({listed}): "
            "survival medians and landmark rates of the cohorts followed for less time rest on fewer late "
            "observations."
        )
        out.append(ctx.caveat("FOLLOW-UP", "minor", known, targets, text))
    if missing:
        text = (
            f"Median follow-up is not reported for {ctx.labels(missing)}, so it cannot be checked that survival "
            "estimates rest on comparable follow-up."
        )
        out.append(ctx.caveat("FOLLOW-UP", "minor", missing, targets, text))
    return out


# --------------------------------------------------------------------------------------------------------------
# 7. IMBALANCE


def _smd_text(ctx: _Context, row: dict[str, Any]) -> str:
    value = f"{row['smd']:+.2f}" if row.get("signed", True) else f"{row['smd']:.2f} (magnitude, multi-level)"
    text = f"{value} for {ctx.label(row['cohort'])}"
    if row.get("estimated"):
        note = _printed_levels(ctx, row["variable"], row.get("note") or "")
        text += " (estimated from a median)" if "median" in note else f" (estimated{': ' + note if note else ''})"
    return text


def _printed_levels(ctx: _Context, variable: str, note: str) -> str:
    """ "level lung+bone+other not reported" with the level's row label as printed ("level “Lung+bone+other
    lesions” not reported") where a table of the descriptors records one; the harmonized name otherwise."""
    labels: dict[str, str] = {}
    for r in ctx.rows(variable=variable, section="baseline"):
        if r.get("level_label") and str(r.get("location") or "").startswith("Table"):
            labels.setdefault(r["level"], row_label(r["level_label"]))

    def words(m: re.Match[str]) -> str:
        return "level " + ", ".join(f"“{labels[lv]}”" if lv in labels else lv for lv in m[1].split(", ")) + \
            " not reported"

    return re.sub(r"level (.+?) not reported", words, note)


def _variable_phrase(variable: str) -> str:
    """ "Age, years" → "age"; "ECOG performance status" stays; unknown names lose their underscores."""
    label = VARIABLES[variable].label.split(",")[0] if variable in VARIABLES else variable.replace("_", " ")
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _imbalance_for(ctx: _Context, variable: str, reference: str, rows: list[dict[str, Any]]) -> Caveat:
    label = _variable_phrase(variable)
    order = ctx.order(r["cohort"] for r in rows)
    rows = sorted(rows, key=lambda r: order.index(r["cohort"]))
    severity = "major" if max(abs(r["smd"]) for r in rows) > SMD_MAJOR else "minor"
    text = (
        f"Baseline imbalance against {ctx.label(reference)} in {label} (|SMD| above {ctx.smd_threshold:g}): "
        f"standardized mean difference {_join([_smd_text(ctx, r) for r in rows])}; differences in outcomes may "
        "partly reflect it."
    )
    return ctx.caveat("IMBALANCE", severity, [reference, *order], [f"baseline:{variable}"], text)


def _imbalance(ctx: _Context) -> list[Caveat]:
    if ctx.smd is None or ctx.smd.is_empty():
        return []
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in ctx.smd.to_dicts():
        if r["smd"] is not None and r["cohort"] != r["reference"] and abs(r["smd"]) > ctx.smd_threshold:
            groups.setdefault((r["variable"], r["reference"]), []).append(r)
    return [_imbalance_for(ctx, var, ref, rows) for (var, ref), rows in sorted(groups.items())]


# --------------------------------------------------------------------------------------------------------------
# 8. DATA-ERRORS


def _field_targets(field: str) -> list[str]:
    """Where the numbers of a finding's field stand: ``endpoint.EFS.median`` → endpoint:EFS and median:EFS."""
    parts = field.split(".")
    section, name = parts[0], parts[1] if len(parts) > 1 else ""
    if section == "endpoint" and name:
        return [f"endpoint:{name}", *([f"median:{name}"] if "median" in parts[2:] else [])]
    if section in ("outcome", "rate") and name:
        return [f"outcome:{name}"]
    if section == "baseline" and name:
        return [f"baseline:{name}"]
    return [section] if section in ("population", "design") else ["population"]


_CROSS_REFERENCE = re.compile(
    r"\s*\((?:[Ss]ee )[^()]*[A-Z]{2,}-[A-Z-]+[^()]*\)|(?:[Ss]ee the )[A-Z]{2,}-[A-Z-]+[^.;]*[.;]?")


def plain_note(note: str) -> str:
    """A curator's note without its cross-references to finding codes (those stay in the annex)."""
    return _CROSS_REFERENCE.sub("", note).strip().rstrip(". ;")


def _finding_list(findings: Sequence[Finding], with_notes: bool) -> str:
    by_code: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    for f in findings:
        by_code.setdefault(f.code, [])
        if f.field not in by_code[f.code]:
            by_code[f.code].append(f.field)
        note = plain_note(f.note) if with_notes and f.note else ""
        if note and note not in notes.setdefault(f.code, []):
            notes[f.code].append(note)
    from .checks.families import CODES

    parts = []
    for code in by_code:
        note = f" ({'; '.join(notes[code])})" if notes.get(code) else ""
        parts.append(f"{CODES.get(code, 'a data error')}{note}")
    return "; ".join(parts)


def _errors_for(ctx: _Context, cohort_id: str, findings: list[Finding], acknowledged: bool) -> Caveat:
    targets = [t for f in findings for t in _field_targets(f.field)]
    listed = _finding_list(findings, False)
    if acknowledged:
        text = (f"{ctx.label(cohort_id)}: numbers reviewed and kept as printed despite errors: {listed} (marked in "
                "the tables, explained in their footnotes).")
        return ctx.caveat("DATA-ERRORS", "minor", [cohort_id], targets, text)
    text = (
        f"{ctx.label(cohort_id)} has unresolved errors in its published numbers: {listed}; "
        "results that use them are uncertain."
    )
    return ctx.caveat("DATA-ERRORS", "major", [cohort_id], targets, text)


def _data_errors(ctx: _Context) -> list[Caveat]:
    groups: dict[tuple[str, bool], list[Finding]] = {}
    for f in ctx.findings:
        if f.severity == "error":
            groups.setdefault((f.cohort, f.acknowledged), []).append(f)
    key = sorted(groups, key=lambda k: (k[1], k[0]))
    return [_errors_for(ctx, cid, sorted(groups[(cid, ack)], key=lambda f: (f.code, f.field)), ack) for cid, ack in key]


# --------------------------------------------------------------------------------------------------------------
# 9. SMALL-SAMPLE, 10. NON-RANDOMISED, 11. DENOMINATOR


def _small_sample(ctx: _Context) -> list[Caveat]:
    small = [cid for cid in ctx.order(ctx.cohorts.ids) if ctx.desc(cid).population.n < ctx.small_n]
    if not small:
        return []
    listed = _join([f"{ctx.label(cid)} (N={ctx.desc(cid).population.n})" for cid in small])
    text = (
        f"{listed} {_is(len(small), 'has', 'have')} fewer than {ctx.small_n} patients: estimates are imprecise "
        "and one or two patients shift a percentage by several points."
    )
    return [ctx.caveat("SMALL-SAMPLE", "minor", small, ["population"], text)]


def _randomised_pairs(ctx: _Context) -> dict[str, list[str]]:
    """Randomised arms of the same study: study name → cohort ids (only studies with two or more arms here)."""
    studies: dict[str, list[str]] = {}
    for c in ctx.cohorts:
        arm = c.descriptor.design.arm_of
        if arm is not None and arm.randomised:
            studies.setdefault(arm.study, []).append(c.id)
    return {s: ids for s, ids in sorted(studies.items()) if len(ids) > 1}


def _non_randomised(ctx: _Context) -> list[Caveat]:
    text = (
        "The cohorts were not randomised against each other: every difference between them is unanchored and "
        "non-randomised, and may reflect differences in patients, centres, eras and assessment rather than "
        "treatment."
    )
    arms = _randomised_pairs(ctx)
    if len(arms) == 1 and set(next(iter(arms.values()))) == set(ctx.cohorts.ids):
        return []  # every cohort is an arm of one randomised study: nothing here is unanchored
    if arms:
        except_ = "; ".join(f"{ctx.labels(ids)} are randomised arms of {study}" for study, ids in arms.items())
        text = text[:-1] + f" (except within one study: {except_})."
    return [ctx.caveat("NON-RANDOMISED", "major", ctx.cohorts.ids, ["all"], text)]


_SET_NAMES = {"itt": "ITT", "efficacy": "efficacy set", "safety": "safety set", "evaluable": "evaluable set"}


def _denominator_for(ctx: _Context, cohort_id: str) -> Caveat | None:
    pop = ctx.desc(cohort_id).population
    other: dict[tuple[str, int], None] = {(r.set, r.n): None for r in pop.reports if r.n != pop.n}
    if not other:
        return None
    listed = _join([f"{_SET_NAMES.get(s, s)} {n}" for s, n in other])
    text = (
        f"For {ctx.label(cohort_id)} the table's N={pop.n} ({_SET_NAMES.get(pop.n_refers_to, pop.n_refers_to)}) "
        f"differs from other reported analysis sets ({listed}): percentages may rest on another denominator."
    )
    targets = ["population", "outcome:best_response", "outcome:ORR", "outcome:DCR"]
    return ctx.caveat("DENOMINATOR", "minor", [cohort_id], targets, text)


def _denominator(ctx: _Context) -> list[Caveat]:
    found = [_denominator_for(ctx, cid) for cid in ctx.order(ctx.cohorts.ids)]
    return [c for c in found if c is not None]


# --------------------------------------------------------------------------------------------------------------
# public API

_RULES: tuple[Callable[[_Context], list[Caveat]], ...] = (
    _endpoint_differs,
    _definition_differs,
    _resection_rule,
    _interval_types,
    _design_differs,
    _eligibility_differs,
    _possible_overlap,
    _follow_up,
    _imbalance,
    _data_errors,
    _small_sample,
    _non_randomised,
    _denominator,
)

_SEVERITY_ORDER = {"major": 0, "minor": 1}


def derive_caveats(
    cohorts: CohortSet,
    *,
    reference: str,
    frame: pl.DataFrame | None = None,
    findings: Iterable[Finding] | None = None,
    smd: pl.DataFrame | None = None,
    smd_threshold: float = 0.1,
    small_n: int = 50,
) -> list[Caveat]:
    """Derive the caveats of a comparison by the rules of :data:`CAVEAT_RULES`.

    Parameters
    ----------
    cohorts : CohortSet
        The cohorts compared.
    reference : str
        Id of the reference cohort (named first; the reference of SMDs).
    frame : polars.DataFrame, optional
        The harmonized frame; default ``cohorts.to_frame()``.
    findings : iterable of Finding, optional
        Integrity findings (:func:`trialcompare.check`); without them no DATA-ERRORS caveat is derived.
    smd : polars.DataFrame, optional
        Columns ``cohort, reference, variable, smd, estimated, note``; without it no IMBALANCE caveat is derived.
    smd_threshold : float
        |SMD| above which a baseline variable is imbalanced (above :data:`SMD_MAJOR` the caveat is major).
    small_n : int
        Cohorts with fewer patients get a SMALL-SAMPLE caveat.

    Returns
    -------
    list of Caveat
        Ordered by severity (major first), code, cohorts, targets and text.

    Raises
    ------
    KeyError
        When ``reference`` is not one of the cohorts.

    Examples
    --------
    >>> import trialcompare as tc
    >>> caveats = derive_caveats(tc.load("trials"), reference="apatinib-ie")  # doctest: +SKIP
    >>> caveats[0].code, caveats[0].severity  # doctest: +SKIP
    ('DATA-ERRORS', 'major')
    """
    cohorts[reference]  # raises KeyError naming the cohorts
    findings = None if findings is None else list(findings)
    ctx = _Context(
        cohorts,
        reference,
        cohorts.to_frame() if frame is None else frame,
        tuple(findings or ()),
        smd,
        smd_threshold,
        small_n,
        _overlap_pairs(cohorts, findings),
    )
    found = [c for rule in _RULES for c in rule(ctx)]
    return sorted(found, key=lambda c: (_SEVERITY_ORDER[c.severity], c.code, c.cohorts, c.targets, c.text))


def caveats_for(caveats: Iterable[Caveat], target: str) -> list[Caveat]:
    """The caveats to show next to the numbers of ``target`` (those targeting it or ``"all"``), in order.

    Parameters
    ----------
    caveats : iterable of Caveat
    target : str
        ``"endpoint:EFS"``, ``"median:EFS"``, ``"outcome:ORR"``, ``"baseline:ecog"``, ``"population"``, ...

    Returns
    -------
    list of Caveat

    Examples
    --------
    >>> c = Caveat("SMALL-SAMPLE", "minor", ("a",), ("population",), "A has fewer than 50 patients.")
    >>> [x.code for x in caveats_for([c], "population")], caveats_for([c], "endpoint:OS")
    (['SMALL-SAMPLE'], [])
    """
    return [c for c in caveats if target in c.targets or "all" in c.targets]

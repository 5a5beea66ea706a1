"""Words of the caveat facts (:mod:`trialcompare.appraise.caveats`)."""

from __future__ import annotations

from ...appraise.facts import Fact, Scalar, fact
from ._core import Words, join, phrase

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
    from ...descriptor.vocabulary import ENDPOINTS

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
    from ...descriptor.vocabulary import VARIABLES

    v = str(variable)
    label = VARIABLES[v].label.split(",")[0] if v in VARIABLES else v.replace("_", " ")
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _is(n: int, singular: str, plural_form: str) -> str:
    return singular if n == 1 else plural_form


def _rows(f: Fact, key: str) -> list[tuple[Scalar, ...]]:
    return list(f.rows(key))


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
    for cid, name, h in _rows(f, "compared"):
        groups.setdefault(name, []).append((cid, h))
    clauses = [_group_clause(w, name, members) for name, members in groups.items()]
    text = f"{clauses[0]}, while {join(clauses[1:])}" if len(clauses) > 1 else join(clauses)
    also: dict[object, list[str]] = {}
    for cid, name, h in _rows(f, "also"):
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
    differing = f.tokens("differing")
    shown = differing or ("origin", "events", "resection")
    groups: dict[str, list[object]] = {}
    for cid, h in _rows(f, "cohorts"):
        groups.setdefault(_definition_summary(w, f["endpoint"], cid, h, shown), []).append(cid)
    parts = "; ".join(f"{w.cohorts(ids)}: {summary}" for summary, ids in groups.items())
    missing = any(h == "none" for _, h in _rows(f, "cohorts"))
    lead = _DEFINITION_LEAD[(bool(differing), missing)]
    return (f"{endpoint_title(f['endpoint'])} {lead} ({parts}), so "
            f"{_DEFINITION_CONSEQUENCE[bool(differing)]}.")


@phrase(fact("resection", cohort="a", n=16, denominator=60, endpoints=(("EFS", "not-counted"), ("PFS", "censored"))))
def _resection(f: Fact, w: Words) -> str:
    affected = _rows(f, "endpoints")
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
    for cid, token in _rows(f, "cohorts"):
        groups.setdefault(_interval_words(token), []).append(cid)
    parts = join([f"with {words} in {w.cohorts(ids)}" for words, ids in groups.items()])
    return (f"Median {_ep(f['endpoint'])} is printed {parts}: a confidence interval measures the uncertainty of "
            "the median, an IQR or range the spread of survival times, so these intervals are not comparable.")


@phrase(fact("design-differs", cohorts=(("a", "retrospective"), ("b", "prospective"), ("c", "prospective"))))
def _design_differs(f: Fact, w: Words) -> str:
    groups: dict[object, list[object]] = {}
    for cid, design in _rows(f, "cohorts"):
        groups.setdefault(design, []).append(cid)
    clauses = [f"{w.cohorts(ids)} {_is(len(ids), 'is', 'are')} "
               f"{_DESIGN_NOUN.get(str(t), (f'a {t} study', f'{t} studies'))[len(ids) > 1]}"
               for t, ids in groups.items()]
    head = f"{clauses[0]}, while {join(clauses[1:])}" if len(clauses) > 1 else join(clauses)
    return (f"{head}: patients were selected and followed differently (selection bias), so differences may reflect "
            "who was treated rather than the treatment.")


@phrase(fact("eligibility-differs", included=("a",), excluded=("b", "c"), silent=("d",)))
def _eligibility_differs(f: Fact, w: Words) -> str:
    excluded, silent = f.tokens("excluded"), f.tokens("silent")
    unknown = (f" The {_is(len(silent), 'source', 'sources')} of {w.cohorts(silent)} "
               f"{_is(len(silent), 'does', 'do')} not say.") if silent else ""
    return (f"{w.cohorts(f.tokens('included'))} enrolled patients whose disease could be resected, while the "
            f"{_is(len(excluded), 'source', 'sources')} of {w.cohorts(excluded)} restrict enrolment to unresectable "
            "disease: complete surgical remission is not comparable between them (not tested), and outcomes that "
            f"resection affects differ by design.{unknown}")


def _looked_up(w: Words, kind: str, cid: object, at: Scalar) -> str:
    if not isinstance(at, int):
        raise TypeError(f"a {kind} is looked up by its index, not by {at!r}")
    return w.names.get(f"{kind}:{cid}:{at}", f"{kind} {at + 1} of {w.cohort(cid)}")


@phrase(fact("possible-overlap", cohort="a", other="b", registrations=(0,), centres=(0, 1), accrual="overlapping"))
def _possible_overlap(f: Fact, w: Words) -> str:
    regs = [_looked_up(w, "registration", f["cohort"], i) for i in f.tokens("registrations")]
    centres = [_looked_up(w, "centre", f["cohort"], i) for i in f.tokens("centres")]
    what = [f"the {_is(len(regs), 'registration', 'registrations')} {join(regs)}"] if regs else []
    if centres:
        when = ("with overlapping accrual" if f["accrual"] == "overlapping" else
                "(accrual not reported, so overlap cannot be excluded)" if f["accrual"] == "not-reported" else
                f"(accrual {f['accrual']})")
        what.append(f"{_is(len(centres), 'the centre', 'the centres')} {join(centres)} {when}")
    return (f"{w.cohorts((f['cohort'], f['other']))} share {join(what)}: they may include the same patients, so "
            "they are not independent and must not be pooled as independent studies.")


def _span(lo: Scalar, hi: Scalar) -> str:
    if not (isinstance(lo, int | float) and isinstance(hi, int | float)):
        raise TypeError(f"a follow-up span is two numbers, not {lo!r} and {hi!r}")
    return f"{lo:.1f} months" if round(lo, 1) == round(hi, 1) else f"{lo:.1f} to {hi:.1f} months"


@phrase(fact("follow-up-differs", ratio=1.5, cohorts=(("a", 12.0, 12.0), ("b", 20.7, 24.0)), study_level=("b",)))
def _follow_up_differs(f: Fact, w: Words) -> str:
    listed = ", ".join(f"{w.cohort(c)} {_span(lo, hi)}" for c, lo, hi in _rows(f, "cohorts"))
    whole = f.tokens("study_level") if f.get("study_level") else ()
    study = (f" For {w.cohorts(whole)} it is the follow-up printed for the whole randomised study (all arms "
             "together), not the arm's own.") if whole else ""
    return (f"Median follow-up differs by more than a factor {f['ratio']:g} between cohorts ({listed}): survival "
            f"medians and landmark rates of the cohorts followed for less time rest on fewer late observations.{study}")


@phrase(fact("follow-up-missing", cohorts=("a", "b")))
def _follow_up_missing(f: Fact, w: Words) -> str:
    return (f"Median follow-up is not reported for {w.cohorts(f.tokens('cohorts'))}, so it cannot be checked that "
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
        implied = [r for r in _rows(f, "implied") if r[0] == cid]
        note = _implied_words(w, f["variable"], implied)
        return f"{value} for {w.cohort(cid)} (estimated{': ' + note if note else ''})"
    return f"{value} for {w.cohort(cid)}{_BASIS_WORDS.get(str(basis), f' ({basis})')}"


@phrase(fact("imbalance", reference="r", variable="lesion_site", threshold=0.1,
             rows=(("a", 0.30, True, "measured"), ("b", -0.12, False, "implied"), ("c", 0.2, True, "median")),
             implied=(("b", "lung+bone+other", 43), ("b", "bone", 43))))
def _imbalance(f: Fact, w: Words) -> str:
    smds = join([_smd_words(w, f, row) for row in _rows(f, "rows")])
    return (f"Baseline imbalance against {w.cohort(f['reference'])} in {variable_phrase(f['variable'])} "
            f"(|SMD| above {f['threshold']:g} and beyond sampling noise): standardized mean difference {smds}; "
            "differences in outcomes may partly reflect it.")


@phrase(fact("data-errors", cohort="a", acknowledged=False, codes=("PCT-MISMATCH", "TTE-MEDIAN-RATE")))
def _data_errors(f: Fact, w: Words) -> str:
    listed = "; ".join(w.names.get(f"finding:{code}", f"a data error ({code})") for code in f.tokens("codes"))
    if f["acknowledged"]:
        return (f"{w.cohort(f['cohort'])}: numbers reviewed and kept as printed despite errors: {listed} (marked in "
                "the tables, explained in the notes under them).")
    return (f"{w.cohort(f['cohort'])} has unresolved errors in its published numbers: {listed}; results that use "
            "them are uncertain.")


@phrase(fact("small-sample", cohorts=(("a", 33), ("b", 43)), limit=50, all=False))
def _small_sample(f: Fact, w: Words) -> str:
    rows = _rows(f, "cohorts")
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
    arms = list(f.rows("arms"))
    if not arms:
        return text + "."
    within = "; ".join(f"{w.cohorts(ids)} are randomised arms of {w.names.get(f'study:{ids[0]}', 'one study')}"
                       for ids in arms)
    return f"{text} (except within one study: {within})."


@phrase(fact("denominator", cohort="a", n=41, set="efficacy", other=(("enrolled", 43), ("itt", 45))))
def _denominator(f: Fact, w: Words) -> str:
    listed = join([f"{SET_NAMES.get(str(s), str(s))} {n}" for s, n in _rows(f, "other")])
    return (f"For {w.cohort(f['cohort'])} the table's N={f['n']} ({SET_NAMES.get(str(f['set']), str(f['set']))}) "
            f"differs from other reported analysis sets ({listed}): percentages may rest on another denominator.")


@phrase(fact("secondary-source-numbers", cohorts=(("a", 12, 25), ("b", 3, 20))))
def _secondary_source_numbers(f: Fact, w: Words) -> str:
    rows = _rows(f, "cohorts")
    listed = "; ".join(f"{w.cohort(c)}, {k} of its {n} numbers" for c, k, n in rows)
    return (f"Some numbers were read in secondary reports or reviews (a news report, a presentation, another paper's "
            f"table), not in the publication itself: {listed}. They are used like the publication's numbers; a "
            "secondary report may round, shorten or mistranscribe them, so check them against the publication.")

"""``trialcompare maic``: population-adjusted comparison of an IPD cohort with a comparator's descriptor.

Importing this module loads nothing heavy (the statistics are imported when the command runs), so the
``trialcompare`` parser can register it cheaply. Bad input is reported as ``file:line:column: message`` on
stderr with exit status 2 and nothing written; analysis failures (no finite weights, no comparator outcome) as
``trialcompare: maic: message``, also exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "run"]

EXIT_OK, EXIT_INPUT = 0, 2
_CONTROL = {c: None for c in range(32) if c not in (9,)} | {127: None}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``maic`` subcommand on an argparse ``subparsers`` object.

    Parameters
    ----------
    subparsers : argparse action
        What ``ArgumentParser.add_subparsers`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser.
    """
    p = subparsers.add_parser(
        "maic", help="population-adjusted comparison when one cohort has IPD (MAIC, STC)",
        description="Weight the IPD to a comparator cohort's published baseline (MAIC, method of moments) and "
                    "compare outcomes; also the STC. Unanchored: it assumes every prognostic factor and effect "
                    "modifier is matched.",
    )
    p.add_argument("paths", nargs="*", metavar="TRIALS", help="descriptor files or folders (default: trials)")
    p.add_argument("--ipd", required=True, metavar="FILE.csv", help="patient data, one row per patient")
    p.add_argument("--target", required=True, metavar="COHORT_ID", help="the comparator cohort")
    p.add_argument("--mapping", metavar="FILE",
                   help="IPD column -> descriptor variable/level (default: mapping.yaml beside the IPD file)")
    p.add_argument("--outcome", default="orr", metavar="NAME",
                   help="orr (default; IPD column 'response') or an endpoint with a digitised comparator curve "
                        "(PFS, OS, ...; IPD columns 'time', 'event')")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--bootstrap", type=int, default=0, metavar="N",
                   help="bootstrap resamples, at most 100000 (default 0: none)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="bootstrap seed (default 0)")
    p.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--vcov", choices=("HC3", "HC0"), default="HC3", help="sandwich type for OR/RR/RD (default HC3)")
    p.set_defaults(func=run)
    return p


def _safe(text: Any) -> str:
    """Terminal-safe text (control characters removed)."""
    return str(text).translate(_CONTROL)


def _fmt(v: float | None, digits: int = 3) -> str:
    return "NA" if v is None or v != v else f"{v:.{digits}g}"


def _text(a: Any, ipd_path: str) -> str:
    w = a.weights
    what = ("the IPD treatment arm against it: unanchored (the anchored MAIC follows)" if a.anchored is not None
            else "unanchored, non-randomised")
    lines = [f"MAIC: {_safe(ipd_path)} (n = {w.n}) weighted to {_safe(a.comparator)} - {what}"]
    lines += _eligibility_text(a)
    lines += _diagnostics_text(a)
    lines += ["", "balance of every variable and level (proportions; SDs in population form; medians as the share "
                  "above them)",
              f"  {'variable':<14}{'level':<22}{'statistic':<16}{'target':>9}{'all IPD':>9}{'before':>9}{'after':>9}"
              "  status"]
    for r in a.balance.iter_rows(named=True):
        lines.append(f"  {_safe(r['variable']):<14}{_safe(r['level'] or ''):<22}{r['statistic']:<16}"
                     + "".join(f" {_fmt(r[c], 4):>8}" for c in ("target", "ipd_all", "before", "after"))
                     + f"  {r['status']}" + (" (derived)" if r["derived"] else ""))
    if a.targets.unmatched:
        lines += ["", "not matched"]
        for r in a.targets.unmatched_frame.iter_rows(named=True):
            what = _safe(r["variable"]) + (f" = {_safe(r['level'])}" if r["level"] else "")
            lines.append(f"  {_safe(r['factor'])} ({what}): {r['explanation']}")
    ref = a.comparator_data
    if "n" in ref:
        lines += ["", f"comparator outcome: {ref['events']}/{ref['n']} responders ({_safe(ref['source'])}, "
                      f"{_safe(ref['location'])})"]
    elif "pseudo_ipd_n" in ref:
        lines += ["", f"comparator outcome: pseudo-IPD of {ref['pseudo_ipd_n']} patients ({ref['events']} events)"]
    else:
        lines += ["", f"comparator outcome: {_safe(ref.get('source', 'none'))}"]
    level = a.effects["level"][0] if a.effects.height else 0.95
    lines += ["", f"effects (IPD treatment versus {_safe(a.comparator)}; {100 * level:g}% intervals)"]
    for r in a.effects.iter_rows(named=True):
        mark = "*" if r["primary"] else " "
        lines.append(f"{mark} {r['measure']:<4}{r['method']:<16}{_fmt(r['estimate']):>8} ({_fmt(r['lower'])}, "
                     f"{_fmt(r['upper'])})  {r['interval']}; {r['scale']}"
                     + ("" if r["ess"] is None else f"; ESS {r['ess']:.1f}"))
    lines.append("  (* the primary estimate)")
    lines += _survival_text(a)
    if a.stc_error is not None:
        lines += ["", a.stc_error]
    if a.stc is not None:
        lines += _stc_text(a.stc)
    lines += _anchored_text(a)
    return "\n".join(lines) + "\n"


def _stc_text(stc: Any) -> list[str]:
    """What the STC estimates (marginal by G-computation, or conditional at the means), its flags and assumption."""
    if stc.scale == "marginal":
        predicted = ("" if stc.p_ipd != stc.p_ipd else f" (IPD's predicted response {stc.p_ipd:.3f} against "
                                                       f"{stc.p_comparator:.3f})")
        lines = ["", f"STC: marginal {stc.measure} by G-computation over {stc.n_sim} patients simulated from the "
                     f"comparator's reported moments, {stc.model} outcome model{predicted}; events per parameter "
                     f"{stc.epp:.1f}"]
        lines += [f"  flag: {f.code} ({f.events} events / {f.parameters} parameters = {f.value:.1f} < "
                  f"{f.threshold:g})" for f in stc.flags]
        lines += [f"  assumed: {_safe(x)}" for x in stc.assumed]
    else:
        lines = ["", f"STC: {stc.scale} {stc.measure} at the comparator's means (non-collapsible: "
                     f"{stc.non_collapsible}; not the marginal MAIC {stc.measure})"]
    return [*lines, f"assumption: {stc.assumption}"]


def _eligibility_text(a: Any) -> list[str]:
    """Patients removed per inclusion criterion of the comparator, and criteria that could not be applied."""
    e = a.eligibility
    if e is None or e.criteria.is_empty():
        return []
    lines = ["", f"eligibility (the comparator's inclusion criteria, before weighting): {e.n_before} -> {e.n_after} "
                 "patients"]
    for r in e.criteria.iter_rows(named=True):
        rule = ", ".join(f"{k} {_fmt(r[c], 6)}" for k, c in ((">=", "minimum"), ("<=", "maximum"), ("=", "equals"))
                         if r[c] is not None)
        where = f"{_safe(r['column'])} {rule}" if r["column"] else "in one of the comparator's other levels"
        done = (f"removed {r['removed']}" if r["applied"]
                else f"not applied: {_reason(r['reason'])}")
        lines.append(f"  {_safe(r['criterion']):<30}{r['source']:<12}{done}  [kept: {where}]")
    if "zero_level" in e.criteria["source"].to_list():
        lines.append("  (a level the comparator reports at 0% cannot be matched by weighting: its patients are "
                     "removed)")
    return lines


def _reason(code: str | None) -> str:
    from ._eligibility import NOT_APPLIED

    return NOT_APPLIED.get(code or "", code or "")


def _diagnostics_text(a: Any) -> list[str]:
    """ESS, weight concentration and the verdict with its thresholds."""
    d = a.diagnostics
    if d is None:
        return []
    v = d.verdict
    lines = ["", f"effective sample size {d.ess:.1f} ({100 * d.ess_share:.1f}% of {d.n}); largest weight "
                 f"{100 * d.max_share:.1f}% of the total, five largest {100 * d.top5_share:.1f}%",
             f"verdict: {v.code.upper()} (rule: uninformative when ESS < {v.min_ess:g} or ESS/n < "
             f"{100 * v.min_ess_share:g}%)" + ("; shown for completeness" if v.code == "uninformative" else "")]
    if v.bootstrap_primary:
        lines.append(f"ESS < {v.bootstrap_below:g}: the bootstrap percentile interval is the primary interval")
    return lines


def _survival_text(a: Any) -> list[str]:
    """The IPD's Kaplan-Meier median and landmark rates, unweighted and weighted, beside the comparator's."""
    if a.survival.is_empty():
        return []
    lines = ["", "time to event (Kaplan-Meier; weighted: robust variance, log-scale intervals; months)"]
    for r in a.survival.iter_rows(named=True):
        what = "median" if r["statistic"] == "median" else f"at {r['time']:g}"
        scale, unit = (1.0, "") if r["statistic"] == "median" else (100.0, "%")
        value = (f"{_fmt(_scaled(r['estimate'], scale))}{unit} ({_fmt(_scaled(r['lower'], scale))}, "
                 f"{_fmt(_scaled(r['upper'], scale))})")
        if r["printed"] is not None:
            value = f"{_safe(r['printed'])} (printed, {_safe(r['location'])})"
        endpoint = _safe(r["endpoint"] or "IPD time/event")
        lines.append(f"  {_safe(r['source']):<28}{endpoint:<16}{what:<10}{value}")
    return lines


def _anchored_text(a: Any) -> list[str]:
    """The anchored MAIC block (two-arm IPD only)."""
    res = a.anchored_result
    if res is None:
        return []
    arms, eff = res.arms, res.arms.effect
    lines = ["", f"ANCHORED MAIC through {_safe(arms.common)}: IPD arms {_safe(arms.treatment_label)!r} (treatment) "
                 f"and {_safe(arms.common_label)!r} (common comparator); weights on both arms pooled "
                 f"(n = {res.weights.n}, ESS {res.weights.ess:.1f})",
             f"published: {_safe(eff['cohort'])} vs {_safe(eff['versus'])} {eff['measure']} {_safe(eff['printed'])} "
             f"({_safe(eff['location'])})"]
    for r in res.table.iter_rows(named=True):
        lines.append(f"  {r['measure']:<4}{_safe(r['method']):<30}{_fmt(r['estimate']):>8} ({_fmt(r['lower'])}, "
                     f"{_fmt(r['upper'])})  {_safe(r['contrast'])}; {r['evidence']}")
    lines.append("  (the effects, survival and STC above compare the IPD's treatment arm alone with the comparator: "
                 "unanchored)")
    return lines


def _scaled(v: float | None, scale: float) -> float | None:
    return None if v is None else v * scale


def _mapping_path(args: argparse.Namespace) -> Path:
    return Path(args.mapping) if args.mapping else Path(args.ipd).parent / "mapping.yaml"


def _check_args(args: argparse.Namespace) -> str | None:
    from ._bootstrap import MAX_BOOT

    if not 0 <= args.bootstrap <= MAX_BOOT:
        return (f"--bootstrap must be from 0 to {MAX_BOOT} resamples (got {args.bootstrap}); 1,000 to 10,000 are "
                "usual")
    if args.seed < 0:
        return f"--seed must be >= 0, got {args.seed}"
    if not 0.0 < args.level < 1.0:
        return f"--level must be strictly between 0 and 1, got {args.level}"
    return None


def _bad_arm_label(ipd: Any, cohorts: Any) -> Exception | None:
    """``file:line:column`` of the first ``arm`` cell whose label is neither a cohort id nor a treatment."""
    if "arm" not in ipd.frame.columns:
        return None
    from ._anchored import arm_treatments

    labels = ipd.frame["arm"].to_list()
    for label in dict.fromkeys(labels):
        try:
            arm_treatments([label], cohorts)
        except ValueError as exc:
            return ipd.error(labels.index(label), "arm", f"column 'arm': {exc}")
    try:
        arm_treatments(dict.fromkeys(labels), cohorts)
    except ValueError as exc:
        return ipd.error(None, "arm", f"column 'arm': {exc}")
    return None


def run(args: argparse.Namespace) -> int:
    """Run ``trialcompare maic``.

    Parameters
    ----------
    args : argparse.Namespace

    Returns
    -------
    int
        The exit status (0, or 2 for unusable input).
    """
    problem = _check_args(args)
    if problem:
        print(f"trialcompare: maic: {problem}", file=sys.stderr)
        return EXIT_INPUT
    from .. import load
    from ._errors import MaicError, MaicInputError
    from ._ipd import read_ipd_csv
    from ._targets import load_mapping

    try:
        ipd = read_ipd_csv(args.ipd)
        mapping = load_mapping(_mapping_path(args))
    except MaicInputError as exc:
        print(_safe(exc), file=sys.stderr)
        return EXIT_INPUT
    cohorts = load(*(list(args.paths) or ["trials"]))
    if args.target not in cohorts.ids:
        print(f"trialcompare: maic: --target {_safe(args.target)!r} is not a cohort; cohorts: "
              f"{', '.join(cohorts.ids)}", file=sys.stderr)
        return EXIT_INPUT
    bad = _bad_arm_label(ipd, cohorts)
    if bad is not None:
        print(_safe(bad), file=sys.stderr)
        return EXIT_INPUT
    from ._analysis import maic_analysis

    try:
        result = maic_analysis(ipd.frame, cohorts, args.target, mapping, args.outcome, n_boot=args.bootstrap,
                               seed=args.seed, level=args.level, vcov=args.vcov)
    except MaicInputError as exc:  # a misspelt column of the mapping, at its line
        print(_safe(exc), file=sys.stderr)
        return EXIT_INPUT
    except (MaicError, ValueError) as exc:
        print(f"trialcompare: maic: {_safe(exc)}", file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    else:
        text = _text(result, args.ipd)
    sys.stdout.write(text)
    return EXIT_OK

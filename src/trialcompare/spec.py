"""Comparison specs: a YAML file in ``reports/`` that says what a report compares and how.

```yaml
name: table-iv                   # output: reports/<name>.pdf (beside the spec)
title: "..."
date: "2026-11-25"               # written into the PDF metadata (reproducible output)
trials: ../trials                # folder or files, relative to the spec
cohorts: [apatinib-ie, apatinib] # order of the columns; default: every cohort found
reference: apatinib-ie
prefer_locations: ["Table IV"]
denominators:                    # optional: a denominator other than the declared N, with the reason
  apatinib-camrelizumab: {n: 43, why: "..."}
meta:
  outcomes: [orr, dcr, tte_6m]
  scenarios: [{name: ..., description: ..., exclude: [ie]}]
```

A spec's paths are relative to the spec and stay inside its **project folder** (:func:`confinement_root`): the
parent of ``reports/`` for a spec in a folder of that name, else the spec's own folder. Descriptors elsewhere are
named on the command line, ``trialcompare report SPEC --trials ../other/trials``, in addition to ``trials:``.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from . import options
from .load import DescriptorError, Problem, _pydantic_problems
from .spec_checks import check_spec_cohorts as check_spec_cohorts
from .spec_checks import check_spec_endpoints as check_spec_endpoints
from .yamlsafe import YamlProblem, read_yaml

__all__ = [
    "DEFAULT_SPEC", "Claim", "DenominatorChoice", "DisplaySpec", "MetaSpec", "Spec", "check_spec_cohorts",
    "check_spec_endpoints", "default_spec", "default_spec_for", "load_spec",
]

#: The default spec of a checkout, relative to the working folder; when it is absent, the bundled copy is used.
DEFAULT_SPEC = Path("reports") / "table-iv.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DenominatorChoice(_Strict):
    """A denominator used in place of a cohort's declared N, and why.

    Attributes
    ----------
    n : int
    why : str
    """

    n: int = Field(gt=0)
    why: str


class Scenario(_Strict):
    """A sensitivity re-run of the meta-analysis (the one scenario model: specs and
    :func:`trialcompare.meta.suite.validate_scenario` both use it)."""

    name: str = Field(min_length=1, pattern=r"\S")
    description: str = ""
    exclude: list[str] = []
    denominators: dict[str, Annotated[int, Field(gt=0, lt=2**63)]] = {}
    use_errata: bool | None = None
    substitute_endpoint: dict[str, str] = {}


class ClaimCites(_Strict):
    """What a claim cites as its evidence: the kind (a code) and where it is printed."""

    what: Literal["single-patient-images", "case-series", "table", "figure", "statistical-test"] = Field(
        description="the kind of evidence cited")
    at: str = Field(description="where, as printed, e.g. 'Fig. 4'")


class Claim(_Strict):
    """The published claim a report appraises, quoted exactly, with where it was read.

    Attributes
    ----------
    text : str
        The claim, quoted exactly as printed.
    at : str
        Where it is printed, e.g. "Results, Assessment of efficacy".
    source : str or None
        Citation of the publication that makes the claim.
    outcomes : list of str
        Outcomes the claim is about, e.g. ``[ORR, DCR]``.
    direction : {"higher", "lower"}
        The reference is claimed higher or lower.
    cites : ClaimCites or None
        What the claim itself cites as its evidence.
    """

    text: str = Field(description="the claim, quoted exactly as printed")
    at: str = Field(description="where it is printed, e.g. 'Results, Assessment of efficacy'")
    source: str | None = Field(None, description="citation of the publication that makes the claim")
    outcomes: list[str] = Field([], description="outcomes the claim is about, e.g. [ORR, DCR]")
    direction: Literal["higher", "lower"] = Field("higher", description="the reference is claimed higher/lower")
    cites: ClaimCites | None = Field(None, description="what the claim itself cites as its evidence, e.g. "
                                     "{what: single-patient-images, at: 'Fig. 4'}")


class MaicSpec(_Strict):
    """A population-adjusted comparison (MAIC, STC) of a cohort with individual patient data against a comparator."""

    ipd: str = Field(description="IPD CSV file, relative to the spec's folder (docs/maic.md)")
    target: str = Field(description="id of the comparator cohort whose published population is matched")
    cohort: str | None = Field(None, description="id of the cohort the IPD belongs to (default: the reference)")
    mapping: str | None = Field(None, description="mapping file (default: mapping.yaml beside the IPD)")
    outcome: str = "orr"
    endpoint: str | None = Field(None, description="what the IPD's time/event columns measure (e.g. EFS), "
                                 "shown beside the comparator's endpoint")
    bootstrap: int = Field(0, ge=0, le=10000)
    seed: int = 0
    label: str | None = Field(None, description="what the IPD is, shown with the results (e.g. 'SIMULATED')")


class MetaSpec(_Strict):
    """Which outcomes the meta-analytic sensitivity section pools, and the scenarios it re-runs.

    Attributes
    ----------
    outcomes : list of str
    transform : str
        The primary analysis's transform (logit, arcsine, freeman-tukey, raw).
    method : str
        The primary analysis's τ² method (REML, DL, ..., GLMM).
    scenarios : list of Scenario
    """

    outcomes: list[str] = ["orr", "dcr"]
    transform: options.Transform = "logit"
    method: options.PoolingMethod = "REML"
    scenarios: list[Scenario] = []


class DisplaySpec(_Strict):
    """How printed values are shown in the tables (issue 10, item 7): as printed unless a spec asks otherwise.

    Attributes
    ----------
    decimals : int or None
        Round printed numbers with more decimals to this many, half away from zero on the decimal string (None: as
        printed).
    """

    decimals: int | None = Field(None, ge=0, le=6, description="round printed numbers with more decimals to this "
                                 "many, half away from zero on the decimal string (default: as printed)")


class HarmsSpec(_Strict):
    """Which adverse events the report's harms table shows (default: those reported by at least two cohorts)."""

    terms: list[str] | None = Field(None, description="adverse events by CTCAE or printed term")
    grade: Literal["any", ">=3", "3-4", "3", "4", "5"] = Field(">=3", description="grade band")


class Spec(_Strict):
    """A comparison spec (the fields' descriptions are also in the spec's JSON schema).

    Attributes
    ----------
    name, title : str
        The report's file name (kebab case) and title.
    date : str
        Date written into the PDF metadata (ISO).
    summary, question, population : str or None
        A paragraph before the generated summary; the decision problem and its target population (printed first).
    decision_thresholds : dict of str to float
        Per outcome (ORR, DCR), the risk difference that would matter for the decision.
    comparators_selected : str
        How the comparators were chosen: systematic-search, authors-choice, convenience or not_stated.
    claim : Claim or None
        The published claim the report appraises.
    trials : list of str
        Descriptor files and folders, relative to the spec's folder.
    cohorts : list of str or None
        The cohorts compared, in order (default: every one loaded).
    reference : str or None
        The reference cohort (default: the first).
    prefer_locations : list of str
        Where a value is read first when it is printed in several places.
    ci_method, rd_method : str
        Interval methods of proportions and of risk differences.
    smd_threshold : float
        The |SMD| above which a baseline difference counts as an imbalance.
    use_errata : bool
        Use the values corrected by errata.
    denominators : dict of str to DenominatorChoice
        Denominators used in place of declared Ns, by cohort id.
    meta : MetaSpec
    maic : MaicSpec or None
        A population-adjusted comparison when one cohort has IPD.
    harms : HarmsSpec
    exploratory_contrasts : bool
        Odds ratios and Fisher's exact p between cohorts of different studies, in the supplement only.
    supplement : {"html", "pdf", "both"}
        Where the audit trail goes.
    display : DisplaySpec
    path : Path or None
        The spec's file (set by :func:`load_spec`).
    positions : dict
        1-based (line, column) of the spec's values by path (set by :func:`load_spec`).
    """

    name: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str
    date: str = Field("1980-01-01", description="the report's date (ISO), on its title line and in the PDF "
                      "metadata; without it the title line has no date and the metadata a fixed one")
    summary: str | None = Field(None, description="one paragraph placed before the generated summary")
    question: str | None = Field(None, description="the decision problem the report answers (printed first)")
    population: str | None = Field(None, description="the target population of the decision (printed first)")
    decision_thresholds: dict[Literal["ORR", "DCR"], Annotated[float, Field(ge=0, le=1)]] = Field(
        {}, description="per outcome (ORR, DCR), the risk difference that would matter for the decision; "
        "imprecision is judged against it (GRADE), else against the optimal information size")
    comparators_selected: Literal["systematic-search", "authors-choice", "convenience", "not_stated"] = Field(
        "not_stated", description="how the comparators were chosen: by a systematic search, by the authors of the "
        "claim, for this report without a search (convenience), or not stated (publication bias is suspected unless "
        "by a systematic search)")
    claim: Claim | None = Field(None, description="the published claim the report appraises (page 1)")
    trials: list[str] = ["../trials"]
    cohorts: list[str] | None = None
    reference: str | None = None
    prefer_locations: list[str] = ["Table IV"]
    ci_method: options.CIMethod = "exact"
    rd_method: options.RDMethod = "newcombe"
    smd_threshold: float = Field(0.1, gt=0)
    use_errata: bool = False
    denominators: dict[str, DenominatorChoice] = {}
    meta: MetaSpec = MetaSpec()
    maic: MaicSpec | None = Field(None, description="a population-adjusted comparison when one cohort has IPD")
    harms: HarmsSpec = Field(HarmsSpec(), description="the harms table: terms and grade band")
    exploratory_contrasts: bool = Field(
        False, description="odds ratios and Fisher's exact p between cohorts of different studies, in the supplement "
        "only, labelled exploratory (never between cohorts that may share patients)")
    supplement: Literal["html", "pdf", "both"] = Field(
        "html", description="where the audit trail goes: an HTML file beside the PDF (default), annexes of the PDF, "
        "or both")
    display: DisplaySpec = Field(DisplaySpec(), description="display rounding of printed values (default: none)")
    path: Path | None = Field(None, exclude=True, description="set by load_spec")
    # the folder of the default output when not the spec's own: set by default_spec() for the bundled spec (its folder
    # is inside the installed package) and by default_spec_for() outside a checkout
    _output_dir: Path | None = PrivateAttr(None)
    positions: dict = Field(default_factory=dict, exclude=True, repr=False, description="set by load_spec")

    @property
    def dated(self) -> bool:
        """Whether the spec gives its ``date`` (the report then shows it; the default only dates the PDF metadata).

        >>> Spec(name="s", title="T").dated, Spec(name="s", title="T", date="2026-01-01").dated
        (False, True)
        """
        return "date" in self.model_fields_set

    def position(self, *loc: Any) -> tuple[int, int]:
        """1-based (line, column) of a value of the spec file (or of its nearest recorded parent).

        Parameters
        ----------
        *loc : str or int
            The value's path, e.g. ``"cohorts", 0``.

        Returns
        -------
        tuple of (int, int)
        """
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (1, 1))

    def trial_paths(self) -> list[Path]:
        """Descriptor files/folders, resolved against the spec's folder.

        Returns
        -------
        list of Path
        """
        base = self.path.parent if self.path else Path.cwd()
        return [base / t for t in self.trials]

    def output(self, suffix: str = ".pdf") -> Path:
        """Default output file: ``<spec folder>/<name>.pdf`` (the working folder for the bundled spec).

        Parameters
        ----------
        suffix : str

        Returns
        -------
        Path
        """
        if self._output_dir is not None:
            return self._output_dir / f"{self.name}{suffix}"
        base = self.path.parent if self.path else Path("reports")
        return base / f"{self.name}{suffix}"


def _problems(file: str, exc: ValidationError, positions: dict) -> list[Problem]:
    return _pydantic_problems(file, exc, positions, Spec)


def load_spec(path: str | Path, trials: list[str] | None = None) -> Spec:
    """Read and validate a comparison spec.

    Parameters
    ----------
    path : str or Path
        A YAML spec.
    trials : list of str, optional
        Descriptor files or folders named on the command line (``report SPEC --trials DIR``): they are added to the
        spec's own ``trials:`` (which stay confined to its project folder) and may be anywhere. A spec without
        ``trials:`` then reads these alone (its default ``../trials`` is for a spec named with no paths).

    Returns
    -------
    Spec

    Raises
    ------
    DescriptorError
        With ``file:line:column`` of every problem.
    """
    path = Path(path)
    try:
        data, positions = read_yaml(path)
    except YamlProblem as exc:
        raise DescriptorError([Problem(str(path), exc.line, exc.column, exc.message)]) from None
    if isinstance(data.get("trials"), str):
        data["trials"] = [data["trials"]]
        if ("trials",) in positions:
            positions[("trials", 0)] = positions[("trials",)]
    own = data.get("trials", [])
    if trials is not None and isinstance(own, list):
        data["trials"] = [*own, *(os.path.abspath(t) for t in trials)]
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise DescriptorError(_problems(str(path), exc, positions)) from None
    spec = spec.model_copy(update={"path": path, "positions": positions})
    confined = len(own) if trials is not None and isinstance(own, list) else None
    problems = [Problem(str(path), *spec.position(*loc), message)
                for loc, message in _spec_problems(spec, confined)]
    if problems:
        raise DescriptorError(problems)
    return spec


def confinement_root(spec_path: Path) -> Path:
    """The spec's **project folder**, which the paths a spec names (``trials:``, ``maic.ipd``) must stay in.

    For a spec in a folder named ``reports/`` it is that folder's parent (the project: ``reports/`` beside
    ``trials/``, as in a checkout); for a spec anywhere else it is the spec's own folder. A descriptor folder
    outside it is named on the command line instead: ``trialcompare report SPEC --trials DIR`` (or
    ``report SPEC DIR``), which adds to the spec's ``trials:``.

    Parameters
    ----------
    spec_path : Path
        The spec file.

    Returns
    -------
    Path
        The project folder (resolved).

    Examples
    --------
    >>> confinement_root(Path("/p/reports/x.yaml")).as_posix(), confinement_root(Path("/p/specs/x.yaml")).as_posix()
    ('/p', '/p/specs')
    """
    folder = spec_path.parent.resolve()
    return folder.parent if folder.name == "reports" else folder


def _spec_problems(spec: Spec, confined: int | None = None) -> list[tuple[tuple, str]]:
    """(location, message) of every problem of a loaded spec that its schema cannot express. The first
    ``confined`` entries of ``trials:`` (default: all) are the spec's own and must stay in its project folder; the
    rest were named on the command line."""
    assert spec.path is not None
    problems: list[tuple[tuple, str]] = []
    if not spec.trials:
        problems.append((("trials",), "trials: name at least one descriptor folder or file"))
    root = confinement_root(spec.path)
    for i, name in enumerate(spec.trials[:confined]):
        problem = _trials_problem(spec.path.parent, root, name)
        if problem:
            problems.append((("trials", i), problem))
    problems.extend(_maic_confinement_problems(spec, root))
    problems.extend(_date_problem(spec.date))
    problems.extend(_selection_problem(spec))
    problems.extend(_cohort_list_problems(spec))
    problems.extend(_substitute_problems(spec))
    problems.extend(_maic_path_problems(spec))
    return problems


def _maic_path_problems(spec: Spec) -> list[tuple[tuple, str]]:
    """A ``maic.ipd`` or ``maic.mapping`` name the system cannot use (a NUL character, too long) at its position."""
    assert spec.path is not None
    out: list[tuple[tuple, str]] = []
    for key in ("ipd", "mapping"):
        name = getattr(spec.maic, key, None) if spec.maic is not None else None
        if not name:
            continue
        try:
            os.stat(spec.path.parent / name)
        except FileNotFoundError:
            continue  # (the MAIC step says so, with the file's name)
        except (OSError, ValueError) as exc:
            out.append((("maic", key), f"maic.{key}: {name[:80]!r} is not a usable path "
                                       f"({getattr(exc, 'strerror', None) or exc})"))
    return out


def _substitute_problems(spec: Spec) -> list[tuple[tuple, str]]:
    """A scenario's ``substitute_endpoint`` must name an endpoint of the vocabulary (EFS, PFS, OS, TTP, DOR)."""
    from .descriptor.vocabulary import ENDPOINTS

    return [(("meta", "scenarios", j, "substitute_endpoint", cid),
             f"substitute_endpoint: {ep!r} is not an endpoint; endpoints: {', '.join(ENDPOINTS)}")
            for j, sc in enumerate(spec.meta.scenarios) for cid, ep in sc.substitute_endpoint.items()
            if ep not in ENDPOINTS]


def _trials_problem(folder: Path, root: Path, name: str) -> str | None:
    """What is wrong with one ``trials:`` entry of a spec in ``folder`` (None: nothing)."""
    try:
        target = (folder / name).resolve()
        if not name or Path(name).is_absolute() or not target.is_relative_to(root):
            return (f"trials: {name!r} is outside {root} (the spec's project folder); name descriptors outside it "
                    "on the command line instead (report SPEC --trials FOLDER adds them to trials:)")
        if not target.exists():  # (raises on a name the system refuses: too long, NUL)
            return (f"trials: {name!r} does not exist (paths in a spec are relative to the spec's folder: this one "
                    f"is {target})")
    except (OSError, ValueError) as exc:
        return f"trials: {name[:80]!r} is not a usable path ({getattr(exc, 'strerror', None) or exc})"
    return None


def _maic_confinement_problems(spec: Spec, root: Path) -> list[tuple[tuple, str]]:
    """``maic:`` files (IPD, mapping) are confined to the spec's project folder, like ``trials:``."""
    if spec.maic is None or spec.path is None:
        return []
    mapping = spec.maic.mapping
    if mapping is None:  # the default, mapping.yaml beside the IPD: a symbolic link must not leave the folder either
        mapping = str(Path(spec.maic.ipd).parent / "mapping.yaml")
    named = [("ipd", spec.maic.ipd), ("mapping", mapping)]
    return [(("maic", key), f"maic.{key}: {name!r} is outside {root} (the spec's project folder); run "
                            "`trialcompare maic` with the file on the command line instead")
            for key, name in named if _outside(spec.path.parent, root, name)]


def _outside(base: Path, root: Path, name: str) -> bool:
    """Whether a named file leaves ``root`` (a name the system cannot use is left to :func:`_maic_path_problems`)."""
    if not name or Path(name).is_absolute():
        return True
    try:
        return not (base / name).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


def _selection_problem(spec: Spec) -> list[tuple[tuple, str]]:
    """``comparators_selected: authors-choice`` says the comparators are those of a published claim: it needs the
    ``claim:`` (page 1 would otherwise say "chosen by the authors of the claim" of no claim)."""
    if spec.comparators_selected != "authors-choice" or spec.claim is not None:
        return []
    return [(("comparators_selected",), "comparators_selected: authors-choice means the comparators are those the "
             "authors of a published claim chose: quote the claim under claim: (text, at), or say convenience "
             "(chosen for this report without a search), systematic-search or not_stated (docs/specs.md)")]


def _date_problem(text: str) -> list[tuple[tuple, str]]:
    try:
        date = _dt.date.fromisoformat(text)
    except ValueError:
        return [(("date",), f"date: {text!r} is not a date written YYYY-MM-DD")]
    if len(text) != 10 or not 1980 <= date.year <= 9999:
        return [(("date",), f"date: {text!r} must be written YYYY-MM-DD with a year from 1980 to 9999")]
    return []


def _cohort_list_problems(spec: Spec) -> list[tuple[tuple, str]]:
    problems: list[tuple[tuple, str]] = []
    seen: set[str] = set()
    for i, cid in enumerate(spec.cohorts or []):
        if cid in seen:
            problems.append((("cohorts", i), f"cohorts: {cid!r} is named twice"))
        seen.add(cid)
    if spec.cohorts is not None and not spec.cohorts:
        problems.append((("cohorts",), "cohorts: name at least one cohort (or leave the field out for all)"))
    if spec.reference and spec.cohorts and spec.reference not in spec.cohorts:
        problems.append((("reference",), f"reference: {spec.reference!r} is not among the cohorts "
                                         f"({', '.join(spec.cohorts)})"))
    return problems


def default_spec() -> Spec:
    """The default comparison spec: ``./reports/table-iv.yaml`` if present (a checkout), else the bundled copy.

    The bundled spec's ``trials:`` resolve against its own folder, so they name the bundled descriptors; its report
    is written to the working folder (``./table-iv.pdf``) rather than beside it, inside the installed package.

    Returns
    -------
    Spec

    Examples
    --------
    >>> spec = default_spec()
    >>> spec.name, len(spec.trial_paths()), all(p.is_file() for p in spec.trial_paths())
    ('table-iv', 4, True)
    """
    if DEFAULT_SPEC.is_file():
        return load_spec(DEFAULT_SPEC)
    from .resources import packaged_spec

    spec = load_spec(packaged_spec(DEFAULT_SPEC.stem))
    spec._output_dir = Path()  # the working folder
    return spec


def default_spec_for(paths: Sequence[str | Path]) -> Spec:
    """A spec with sensible defaults for descriptor files/folders given on the command line.

    Its report goes to ``./reports/<name>.pdf`` when the working folder has a ``reports/`` folder, else to
    ``./<name>.pdf``.

    Parameters
    ----------
    paths : sequence of str or Path
        Descriptor files and folders.

    Returns
    -------
    Spec
    """
    name = Path(paths[0]).resolve().stem if len(paths) == 1 else "comparison"
    name = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") or "comparison"
    absolute = [str(Path(p).resolve()) for p in paths]
    spec = Spec(name=name, title=f"Comparison of published cohorts ({', '.join(map(str, paths))})",
                trials=absolute, path=Path("reports") / f"{name}.yaml")
    if not DEFAULT_SPEC.parent.is_dir():  # outside a checkout: ./<name>.pdf rather than a missing ./reports/
        spec._output_dir = Path()
    return spec


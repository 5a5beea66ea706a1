"""Descriptors on disk → validated models, with every problem named as ``file:line:column: message``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .descriptor.models import Descriptor, known_fields
from .descriptor.vocabulary import suggest
from .yamlsafe import Position, YamlProblem, read_regular, read_yaml

if TYPE_CHECKING:
    import polars as pl

__all__ = ["SPEC_KEYS", "Cohort", "CohortSet", "DescriptorError", "Problem", "is_spec_data", "load"]

SUFFIXES = (".yaml", ".yml")
MAX_CURVE_BYTES = 2_000_000
MAX_CURVE_POINTS = 20_000


@dataclass(frozen=True)
class Problem:
    """One reason a descriptor cannot be used.

    Attributes
    ----------
    file : str
    line, column : int
        1-based position in ``file``.
    message : str
    """

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class DescriptorError(Exception):
    """Descriptors that cannot be used. ``problems`` lists every one; the attributes name the first.

    Parameters
    ----------
    problems : list of Problem
        Every problem (at least one).
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        self.file, self.line, self.column, self.message = first.file, first.line, first.column, first.message
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Cohort:
    """A loaded descriptor with its file and the positions of its values.

    Attributes
    ----------
    descriptor : Descriptor
    path : Path
        The descriptor's file.
    positions : dict of tuple to (int, int)
        1-based (line, column) of each value by its path in the descriptor.
    """

    descriptor: Descriptor
    path: Path
    positions: dict[tuple, Position] = field(repr=False)

    @property
    def id(self) -> str:
        """The cohort id."""
        return self.descriptor.id

    def position(self, path: tuple) -> Position:
        """1-based (line, column) of the value at ``path`` or of its nearest recorded parent.

        Parameters
        ----------
        path : tuple
            A value's path in the descriptor, e.g. ``("baseline", 0, "value")``.

        Returns
        -------
        tuple of (int, int)
        """
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


class CohortSet:
    """An ordered set of cohorts with unique ids.

    Parameters
    ----------
    cohorts : iterable of Cohort
    """

    def __init__(self, cohorts: Iterable[Cohort]) -> None:
        self._cohorts = list(cohorts)
        self._by_id = {c.id: c for c in self._cohorts}
        self._frame: pl.DataFrame | None = None

    @property
    def ids(self) -> list[str]:
        """Cohort ids in load order."""
        return [c.id for c in self._cohorts]

    def __iter__(self) -> Iterator[Cohort]:
        return iter(self._cohorts)

    def __len__(self) -> int:
        return len(self._cohorts)

    def __getitem__(self, cohort_id: str) -> Cohort:
        try:
            return self._by_id[cohort_id]
        except KeyError:
            raise KeyError(f"no cohort {cohort_id!r}; cohorts: {', '.join(self.ids)}") from None

    def __contains__(self, cohort_id: object) -> bool:
        return cohort_id in self._by_id

    def subset(self, ids: Iterable[str]) -> CohortSet:
        """The cohorts named by ``ids``, in that order.

        Parameters
        ----------
        ids : iterable of str

        Returns
        -------
        CohortSet
        """
        return CohortSet(self[i] for i in ids)

    def to_frame(self) -> pl.DataFrame:
        """The harmonized long frame: one row per reported statistic (see :mod:`trialcompare.frame`).

        Built once per cohort set (the cohorts do not change) and shared: polars operations return new frames, so
        callers cannot change it — except by polars' few in-place methods, which nothing here uses.

        Returns
        -------
        polars.DataFrame
        """
        if self._frame is None:
            from .frame import to_frame

            self._frame = to_frame(self)
        return self._frame

    def __repr__(self) -> str:
        return f"CohortSet({self.ids!r})"


class _SpecNotDescriptor(DescriptorError):
    """A report spec where a descriptor was expected (skipped in a folder, refused when named)."""


#: Top-level keys of a report spec that no descriptor has.
SPEC_KEYS = ("cohorts", "reference", "trials", "title")


def is_spec_data(data: Any) -> bool:
    """Tell whether parsed YAML is a report spec rather than a descriptor.

    A spec is a mapping with no ``id`` and one of the top-level keys :data:`SPEC_KEYS` (``cohorts``,
    ``reference``, ``trials``, ``title``).

    Parameters
    ----------
    data : Any
        A parsed YAML document.

    Returns
    -------
    bool
        True for a spec, False for a descriptor or anything else.

    Examples
    --------
    >>> is_spec_data({"name": "mine", "title": "T", "trials": ["trials"]}), is_spec_data({"id": "x", "label": "X"})
    (True, False)
    """
    return isinstance(data, dict) and "id" not in data and any(k in data for k in SPEC_KEYS)


def _files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, bool]], list[Problem]]:
    """Descriptor files named or found in folders, each with whether it was found in a folder (not named); a file
    found in a folder through a symlink that leads out of that folder is a problem (a file named on the command line
    is the user's choice)."""
    files: list[tuple[Path, bool]] = []
    problems: list[Problem] = []
    for p in map(Path, paths):
        if not p.is_dir():
            files.append((p, False))
            continue
        root = p.resolve()
        for f in sorted(f for f in p.rglob("*") if f.suffix in SUFFIXES and f.is_file()):
            if f.resolve().is_relative_to(root):
                files.append((f, True))
            else:
                problems.append(Problem(str(f), 1, 1, f"symlink leads outside {p} (to {f.resolve()}); "
                                                      "name the file itself to use it"))
    return _once(files), problems


def _once(files: list[tuple[Path, bool]]) -> list[tuple[Path, bool]]:
    """The files without repeats: a file named twice (``trials/x.yaml`` and ``trials/``) is read once (a symbolic
    link to it is another name, still read: its duplicate id is reported)."""
    seen: set[str] = set()
    out = []
    for f in files:
        key = os.path.normpath(os.path.abspath(f[0]))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _pydantic_problems(file: str, exc: ValidationError, positions: dict[tuple, Position],
                       root: type | None = None) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # discriminated unions add a tag segment to the location; drop it
        loc = tuple(p for p in loc if p not in ("categorical", "continuous"))
        ctx = err.get("ctx") or {}
        loc = (*loc, *ctx.get("subpath", ()))
        line, col = _nearest(positions, loc)
        where = ".".join(str(p) for p in loc) or "descriptor"
        message = _MESSAGES.get(err["type"], err["msg"]).removeprefix("Value error, ") + _hint(err, root)
        problems.append(Problem(file, line, col, f"{where}: {message}"))
    return problems


_MESSAGES = {"extra_forbidden": "unknown field"}


def _hint(err: Mapping[str, Any], root: type | None = None) -> str:
    if err["type"] == "extra_forbidden":
        key = str(err["loc"][-1])
        return suggest(key, known_fields(tuple(err["loc"][:-1]), root))
    if err["type"] in ("literal_error", "enum") and isinstance(err.get("input"), str):  # statistic: medain
        import re

        return suggest(err["input"], re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", ""))))
    if err["type"] == "bool_type" and isinstance(err.get("input"), str):
        return (f" (got the text {err['input']!r}: write true or false; YAML 1.1 words such as"
                " yes/no/on/off are read as text in descriptors)")
    return ""


def _nearest(positions: dict[tuple, Position], loc: tuple) -> Position:
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return positions.get((), (1, 1))


def _source_refs(desc: Descriptor) -> Iterator[tuple[tuple, str]]:
    """Every (path, source key) a descriptor mentions."""
    dumped: Any = desc.model_dump()

    def walk(obj: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k == "source" and isinstance(v, str) and path[:1] != ("errata",):
                    yield (*path, k), v
                else:
                    yield from walk(v, (*path, k))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                yield from walk(v, (*path, i))

    yield from walk(dumped, ())


def _semantic_problems(cohort: Cohort) -> list[Problem]:
    desc, file = cohort.descriptor, str(cohort.path)
    keys = [s.key for s in desc.sources]
    problems = []
    for path, key in _source_refs(desc):
        if key not in keys:
            line, col = cohort.position(path)
            problems.append(Problem(file, line, col, f"unknown source {key!r}; sources: {', '.join(keys)}"))
    if len(set(keys)) != len(keys):
        problems.append(Problem(file, *cohort.position(("sources",)), "source keys must be unique"))
    for i, endpoint in enumerate(desc.endpoints):
        if endpoint.curve is not None:
            problems.extend(_curve_problems(cohort, i, endpoint.curve.file))
    return problems


def _curve_problems(cohort: Cohort, index: int, name: str) -> list[Problem]:
    folder = cohort.path.parent.resolve()
    line, col = cohort.position(("endpoints", index, "curve", "file"))
    try:  # a NUL character or a name longer than the system allows is a problem of the descriptor, at its position
        target = (folder / name).resolve()
        if Path(name).is_absolute() or not target.is_relative_to(folder):
            return [Problem(str(cohort.path), line, col, f"curve file {name!r} leaves the descriptor's folder")]
        if not target.exists():
            return [Problem(str(cohort.path), line, col, f"curve file {name!r} does not exist")]
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return [Problem(str(cohort.path), line, col, f"curve file {name[:80]!r}: not a usable file name ({reason})")]
    return _curve_csv_problems(target)


def _curve_csv_problems(path: Path) -> list[Problem]:
    """Problems of a digitised curve file (see :func:`read_curve`)."""
    try:
        read_curve(path)
    except DescriptorError as exc:
        return exc.problems
    return []


def read_curve(path: Path) -> tuple[list[float], list[float]]:
    """A digitised curve: CSV with header ``time,survival`` (spaces around names allowed), finite numbers,
    time ≥ 0 and not decreasing, survival within [0, 1] and not increasing; at most :data:`MAX_CURVE_POINTS`.

    Raises
    ------
    DescriptorError
        At the line of the first problem.
    """
    import csv

    file = str(path)
    try:
        lines = read_regular(path, MAX_CURVE_BYTES, "curve files").decode("utf-8").splitlines()
    except YamlProblem as exc:
        raise DescriptorError([Problem(file, 1, 1, f"cannot read curve file: {exc.message}")]) from None
    except UnicodeDecodeError as exc:
        raise DescriptorError([Problem(file, 1, 1, f"curve file is not UTF-8 text ({exc.reason})")]) from None
    rows = list(csv.reader(lines))
    if not rows or [c.strip() for c in rows[0]] != ["time", "survival"]:
        raise DescriptorError([Problem(file, 1, 1, "a curve file needs the header 'time,survival'")])
    if len(rows) < 2:
        raise DescriptorError([Problem(file, 1, 1, "the curve file has no points")])
    if len(rows) > MAX_CURVE_POINTS + 1:
        raise DescriptorError([Problem(file, 1, 1, f"more than {MAX_CURVE_POINTS} points")])
    times: list[float] = []
    survival: list[float] = []
    for number, row in enumerate(rows[1:], start=2):
        message = _curve_point(row, times, survival)
        if message:
            raise DescriptorError([Problem(file, number, 1, message)])
    return times, survival


def _curve_point(row: list[str], times: list[float], survival: list[float]) -> str | None:
    """Append one point; a message if it is not a valid next point of a survival curve."""
    import math

    try:
        time, surv = (float(x) for x in row)
    except ValueError:
        return f"expected two numbers 'time,survival', got {','.join(row)!r}"
    if not (math.isfinite(time) and math.isfinite(surv)):
        return "time and survival must be finite numbers"
    if not 0 <= surv <= 1 or time < 0:
        return "survival must lie in [0, 1] and time must not be negative"
    if times and time < times[-1]:
        return "time must not decrease"
    if survival and surv > survival[-1] + 1e-9:
        return "survival must not increase (a Kaplan-Meier curve only falls)"
    times.append(time)
    survival.append(surv)
    return None


def load_file(path: Path) -> Cohort:
    """Load and validate one descriptor file.

    Parameters
    ----------
    path : Path
        A YAML descriptor.

    Returns
    -------
    Cohort

    Raises
    ------
    DescriptorError
        With every problem found in the file.
    """
    file = str(path)
    try:
        data, positions = read_yaml(path)
    except YamlProblem as exc:
        raise DescriptorError([Problem(file, exc.line, exc.column, exc.message)]) from None
    if is_spec_data(data):
        keys = ", ".join(f"{k}:" for k in SPEC_KEYS if k in data)
        raise _SpecNotDescriptor([Problem(file, 1, 1, f"this file is a report spec ({keys} and no id:), not a "
                                                      f"descriptor; render it with 'trialcompare report {file}'")])
    try:
        desc = Descriptor.model_validate(data)
    except ValidationError as exc:
        raise DescriptorError(_pydantic_problems(file, exc, positions)) from None
    cohort = Cohort(desc, path, positions)
    problems = _semantic_problems(cohort)
    if problems:
        raise DescriptorError(problems)
    return cohort


def load(*paths: str | Path) -> CohortSet:
    """Load descriptors from files and folders (folders are searched for ``*.yaml``/``*.yml``).

    Parameters
    ----------
    *paths : str or Path
        Files or folders; default ``"trials"``.

    Returns
    -------
    CohortSet

    Raises
    ------
    DescriptorError
        Every problem of every file (``file:line:column: message``), including duplicate ids.

    Examples
    --------
    >>> import trialcompare as tc
    >>> cs = tc.load("trials")  # doctest: +SKIP
    >>> cs.ids  # doctest: +SKIP
    ['apatinib', 'apatinib-camrelizumab', 'apatinib-ie', 'ie']
    """
    if any(not str(p) for p in paths):
        raise DescriptorError([Problem("''", 1, 1, "an empty path names no descriptor")])
    files, problems = _files(paths or ("trials",))
    if not files and not problems:
        where = ", ".join(map(str, paths or ("trials",)))
        raise DescriptorError([Problem(where, 1, 1, "no descriptor files (*.yaml) found")])
    cohorts = []
    for f, found in files:
        try:
            cohorts.append(load_file(f))
        except _SpecNotDescriptor as exc:
            if not found:
                problems.extend(exc.problems)
            else:  # a spec kept beside its descriptors: one line says it was left out
                import warnings

                warnings.warn(f"{f}: a report spec, not a descriptor: skipped", UserWarning, stacklevel=2)
        except DescriptorError as exc:
            problems.extend(exc.problems)
    problems.extend(_duplicate_ids(cohorts))
    if problems:
        raise DescriptorError(problems)
    if not cohorts:
        where = ", ".join(map(str, paths or ("trials",)))
        raise DescriptorError([Problem(where, 1, 1, "no descriptor files (*.yaml) found, only report specs")])
    return CohortSet(_unique_labels(cohorts))


def _unique_labels(cohorts: list[Cohort]) -> list[Cohort]:
    """Cohorts whose ``label`` repeats are shown as ``label (id)`` — table columns are named by labels — and a
    warning names them (two "Apatinib" cohorts from different papers are two columns, not one)."""
    import warnings
    from collections import Counter

    counts = Counter(c.descriptor.label for c in cohorts)
    repeated = {label for label, k in counts.items() if k > 1}
    if not repeated:
        return cohorts
    out = [replace(c, descriptor=c.descriptor.model_copy(update={"label": f"{c.descriptor.label} ({c.id})"}))
           if c.descriptor.label in repeated else c for c in cohorts]
    for label in sorted(repeated):
        ids = [c.id for c in cohorts if c.descriptor.label == label]
        warnings.warn(f"{len(ids)} cohorts share the label {label!r} ({', '.join(ids)}): shown as "
                      f"'{label} (ID)'; give each a label of its own", UserWarning, stacklevel=3)
    return out


def _duplicate_ids(cohorts: list[Cohort]) -> list[Problem]:
    seen: dict[str, Cohort] = {}
    problems = []
    for c in cohorts:
        if c.id in seen:
            line, col = c.position(("id",))
            problems.append(Problem(str(c.path), line, col, f"duplicate id {c.id!r} (also in {seen[c.id].path})"))
        else:
            seen[c.id] = c
    return problems

"""Validate the docstrings of trialcompare's public API with numpydoc (`make lint`).

Public API: the functions and classes named in ``__all__`` of every module none of whose dotted parts starts with an
underscore (a module without ``__all__``: its own non-underscore functions and classes), wherever they are defined
(``trialcompare.maic`` re-exports from ``trialcompare.maic._weights``, ...), and the non-underscore methods and
properties that those classes define themselves. Private modules, helpers and inherited members are not checked.

The checks and the names left out are ``[tool.numpydoc_validation]`` in pyproject.toml (numpydoc's own
configuration: ``checks`` and ``exclude``, regular expressions searched in the object's full name), read here with
numpydoc's parser, so that the reasons for each exclusion stay next to it.

Usage: ``python scripts/check_docstrings.py`` (it imports the package from this checkout's ``src``). Prints one line
per problem, ``name: CODE message``, and exits 1 if there is any.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from numpydoc.docscrape import NumpyDocString, get_doc_object
from numpydoc.hooks.validate_docstrings import parse_config
from numpydoc.validate import Validator, validate

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "trialcompare"
sys.path.insert(0, str(ROOT / "src"))  # this checkout's package, whatever the environment has installed


def _public_modules() -> Iterator[ModuleType]:
    package = importlib.import_module(PACKAGE)
    yield package
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{PACKAGE}."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts):
            continue
        yield importlib.import_module(info.name)


def _exported(module: ModuleType) -> Iterator[object]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name, obj in vars(module).items()
            if not name.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__
        ]
    for name in names:
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield obj


def _members(cls: type) -> Iterator[str]:
    """The public methods and properties a class defines itself (not those a library adds, e.g. pydantic's)."""
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, staticmethod | classmethod):
            member = member.__func__
        if isinstance(member, property):
            member = member.fget
        if inspect.isfunction(member) and member.__module__.startswith(PACKAGE):
            yield name


def public_names() -> list[str]:
    """List the full names of the public functions, classes, methods and properties.

    Returns
    -------
    list of str
        Sorted dotted names such as ``trialcompare.load.CohortSet.table``, each object once under the module that
        defines it.
    """
    names: set[str] = set()
    for module in _public_modules():
        for obj in _exported(module):
            base = f"{obj.__module__}.{obj.__qualname__}"
            names.add(base)
            if inspect.isclass(obj):
                names.update(f"{base}.{member}" for member in _members(obj))
    return sorted(names)


def _attributes(cls: type) -> set[str]:
    documented: set[str] = set()
    for klass in cls.__mro__:
        doc = vars(klass).get("__doc__")
        if isinstance(doc, str) and klass.__module__.startswith(PACKAGE):
            for entry in NumpyDocString(doc)["Attributes"]:
                documented.update(name.strip().lstrip("*") for name in entry.name.split(","))
    return documented


def _undocumented_fields(doc: Validator) -> set[str]:
    """The constructor parameters of a class that neither its Parameters nor an Attributes section documents.

    numpydoc's PR01 asks for the constructor's parameters under Parameters. A dataclass, NamedTuple or pydantic
    model here documents its fields once, under Attributes (of the class, or of the base class that declares them).
    Underscored fields are internal state that no caller passes.
    """
    missing = {name for name in doc.signature_parameters if not name.startswith("_")} - set(doc.doc_parameters)
    return missing - _attributes(doc.obj)


def problems() -> list[str]:
    """Validate every public docstring against the configured checks.

    Returns
    -------
    list of str
        One ``name: CODE message`` line per problem, empty when all docstrings pass.
    """
    config = parse_config(ROOT)
    exclude = config["exclude"]
    found = []
    for name in public_names():
        if exclude is not None and exclude.search(name):
            continue
        parsed = get_doc_object(Validator._load_obj(name))
        doc = Validator(parsed)
        for code, message in validate(parsed)["errors"]:
            if code not in config["checks"]:
                continue
            if code == "PR01" and inspect.isclass(doc.obj):
                missing = _undocumented_fields(doc)
                if not missing:
                    continue
                message = f"Parameters {sorted(missing)} documented neither under Parameters nor under Attributes"
            found.append(f"{name}: {code} {message}")
    return found


def main() -> int:
    """Print the problems and return the exit status.

    Returns
    -------
    int
        0 when every public docstring passes, 1 otherwise.
    """
    found = problems()
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} docstring problem(s)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

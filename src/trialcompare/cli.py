"""The ``trialcompare`` command: thin — parse arguments, call the API, print.

Data goes to stdout, diagnostics to stderr. Exit status: 0 success, 1 unacknowledged error findings
(``validate``), 2 unusable input (a message naming ``file:line:column``, never a traceback, nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    """Bad input that is not a descriptor problem (unknown cohort id, unwritable output...)."""


def _paths(args: argparse.Namespace) -> list[str]:
    return list(args.paths) or ["trials"]


def cmd_validate(args: argparse.Namespace) -> int:
    """``trialcompare validate [PATH ...] [--json]``."""
    from . import checks, load

    cohorts = load(*_paths(args))
    findings = checks.check(cohorts)
    if args.json:
        print(json.dumps({"cohorts": cohorts.ids, "findings": checks.as_dicts(findings)}, indent=2))
    else:
        from .checks.report import format_findings

        print(format_findings(cohorts, findings))
    failing = [f for f in findings if f.severity == "error" and not f.acknowledged]
    return EXIT_FINDINGS if failing else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """``trialcompare schema``: the JSON Schema of descriptors."""
    from .descriptor.schema import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    """``trialcompare new ID``: scaffold a descriptor with every field explained."""
    from .descriptor.scaffold import scaffold

    text = scaffold(args.id)
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    out = Path(args.output or f"trials/{args.id}.yaml")
    if out.exists():
        raise UsageError(f"{out}: already exists; not overwritten")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder")
    from .render.atomic import atomic_write_text

    atomic_write_text(out, text)
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="trialcompare", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version="%(prog)s " + _version())
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    v = sub.add_parser("validate", help="check descriptors and the integrity of their numbers")
    v.add_argument("paths", nargs="*", metavar="PATH", help="descriptor files or folders (default: trials)")
    v.add_argument("--json", action="store_true", help='print {"findings": [...]} as JSON')
    v.set_defaults(func=cmd_validate)
    s = sub.add_parser("schema", help="print the JSON Schema of descriptors")
    s.set_defaults(func=cmd_schema)
    n = sub.add_parser("new", help="scaffold a descriptor with every field explained")
    n.add_argument("id", help="kebab-case cohort id")
    n.add_argument("-o", "--output", help="file to write (default trials/ID.yaml; '-' for stdout)")
    n.set_defaults(func=cmd_new)
    for register in _EXTRA_COMMANDS:
        register(sub)
    return p


_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def _version() -> str:
    from . import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``trialcompare`` console script."""
    from .load import DescriptorError

    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    try:
        return args.func(args)
    except DescriptorError as exc:
        for problem in exc.problems:
            print(f"{problem}", file=sys.stderr)
        return EXIT_INPUT
    except UsageError as exc:
        print(f"trialcompare: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

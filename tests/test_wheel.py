"""The built wheel is complete: installed on its own, away from the repository, it renders the default report.

How the test stays fast (about 35 s on an idle 2-core machine, nearly all of it the report itself):

* **Build** with the build backend of the running interpreter (``setuptools.build_meta``, no build isolation, no
  download), in a copy of the repository's build inputs, so that the checkout gets no ``build/`` or ``*.egg-info``
  (and a stale ``build/lib`` can never leak into the wheel). The backend comes with the ``dev`` extra; if it is
  missing or too old the test *fails* with the command that fixes it: it is never skipped.
* **Install** the wheel with ``pip --python <venv> install --no-deps`` into a fresh venv made ``--without-pip``.
* **Dependencies** are not downloaded: a ``.pth`` file in the fresh venv's site-packages names the running
  interpreter's site-packages folders (those on its ``sys.path``; never ``src/``). A ``.pth`` line that is a
  folder only appends it to ``sys.path``; the ``.pth`` files *inside* that folder are not run, so the dev venv's
  editable-install hook (``__editable__.trialcompare-*.pth``, which points at ``src/``) stays inert, and the
  fresh venv's own site-packages (holding the installed wheel) comes first on ``sys.path`` anyway.
  ``PYTHONPATH`` (the test suite may run with ``PYTHONPATH=src``), ``TRIALCOMPARE_TEMPLATES`` and user
  site-packages are removed from the environment of the installed program.
* **Render** with the documented command, ``trialcompare report``, in a temporary folder outside the repository
  (no ``./reports/table-iv.yaml`` there): the bundled Table IV spec, descriptors, templates and fonts are used, and
  the PDF is written to ``./table-iv.pdf``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pypdf
import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# what the build reads; anything else at the top of the repository is not needed to build the wheel
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "src", "trials", "reports", "templates")
SKIP_NAMES = ("__pycache__", "*.pyc", "*.egg-info", "*.pdf", ".DS_Store")
DATA = {"trials": ("*.yaml", "*.json", "*.csv"), "reports": ("*.yaml",), "templates": ("*",)}
TIMEOUT = 120


def _backend_problem() -> str | None:
    """Why the running interpreter cannot build the wheel, or None."""
    requires = PYPROJECT["build-system"]["requires"]
    match = re.fullmatch(r"setuptools>=(\d+)", "".join(requires))
    assert match, f"update this test for build-system.requires = {requires}"
    try:
        import setuptools
    except ImportError:
        return "setuptools is not installed"
    major = int(setuptools.__version__.split(".")[0])
    if major < int(match[1]):
        return f"setuptools {setuptools.__version__} is too old for build-system.requires {requires}"
    return None


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "TRIALCOMPARE_TEMPLATES")}
    return {**env, "PYTHONNOUSERSITE": "1", **extra}


def _run(args: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                            env=_clean_env(**env), check=False)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    problem = _backend_problem()
    if problem:
        pytest.fail(f"cannot build the wheel: {problem}; install the dev tools: make setup (pip install -e '.[dev]')")
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, source / name, ignore=shutil.ignore_patterns(*SKIP_NAMES))
        else:
            shutil.copy2(src, source / name)
    dist = tmp_path_factory.mktemp("dist")
    code = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    name = _run([sys.executable, "-c", code, dist], cwd=source).stdout.strip().splitlines()[-1]
    return dist / name


def test_every_package_and_data_folder_is_declared() -> None:
    """``[tool.setuptools] packages`` is an explicit list (see pyproject.toml): a new subpackage must be added.

    So must a new sub-folder of trials/, reports/ or templates/ (as ``trialcompare._data.<folder>.<sub>``, with its
    package-data globs), or setuptools warns and leaves its files out."""
    setuptools_config = PYPROJECT["tool"]["setuptools"]
    code = {".".join(p.parent.relative_to(REPO / "src").parts) for p in (REPO / "src").rglob("__init__.py")}
    data = {".".join(("trialcompare", "_data", folder, *p.relative_to(REPO / folder).parts))
            for folder in DATA for p in [REPO / folder, *(REPO / folder).rglob("*")]
            if p.is_dir() and "__pycache__" not in p.parts}
    declared = set(setuptools_config["packages"])
    assert sorted((code | data) - declared) == [], "add these to [tool.setuptools] packages in pyproject.toml"
    assert sorted(declared - code - data) == [], "remove these from [tool.setuptools] packages in pyproject.toml"
    assert sorted(data - set(setuptools_config["package-data"])) == [], "give them [tool.setuptools.package-data]"


def test_wheel_holds_every_module_and_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"{p.relative_to(REPO / 'src').as_posix()}" for p in (REPO / "src" / "trialcompare").rglob("*.py")}
    assert modules - names == set()
    for folder, patterns in DATA.items():
        root = REPO / folder
        files = {p for pattern in patterns for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts}
        expected = {f"trialcompare/_data/{folder}/{p.relative_to(root).as_posix()}" for p in files}
        assert expected, folder
        assert expected - names == set(), f"{folder}/ files missing from the wheel (package-data globs?)"
    assert not [n for n in names if n.endswith(".pdf")], "rendered PDFs do not belong in the wheel"
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Provides-Extra: pandas" in metadata  # pip install "trialcompare[pandas]" for .to_pandas()
    hard = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not [line for line in hard if "pandas" in line or "pyarrow" in line]  # never a hard dependency
    assert not [n for n in names if n.startswith(("tests/", "trials/", "reports/", "templates/"))]


def _dependency_folders() -> list[str]:
    """The running interpreter's site-packages folders (its third-party packages), never a source folder."""
    folders = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    folders += [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    return [p for p in dict.fromkeys(folders) if Path(p).is_dir()]


def test_installed_wheel_renders_the_default_report(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel],
         cwd=tmp_path)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp_path).stdout.strip())
    (site / "_trialcompare_test_dependencies.pth").write_text("".join(f"{p}\n" for p in _dependency_folders()),
                                                                encoding="utf-8")

    work = tmp_path / "elsewhere"
    work.mkdir()
    assert not work.resolve().is_relative_to(REPO)
    where = _run([python, "-c", "import trialcompare; from trialcompare.render.pdf import templates_dir;"
                  " print(trialcompare.__file__); print(templates_dir())"], cwd=work).stdout.split()
    package = site.resolve() / "trialcompare"
    assert Path(where[0]).resolve() == package / "__init__.py"
    assert Path(where[1]) == package / "_data" / "templates"

    result = _run([venv / "bin" / "trialcompare", "report"], cwd=work, PYTHONWARNINGS="error")  # as in pytest
    assert "wrote table-iv.pdf" in result.stderr
    pdf = (work / "table-iv.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 20_000
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = {str(f["/BaseFont"]).partition("+")[2] for page in reader.pages
             for f in (page["/Resources"].get("/Font") or {}).values()}
    # the bundled fonts (templates/fonts) and nothing else; the monospaced one is used by the supplement only
    assert {"DejaVu-Sans", "DejaVu-Sans-Bold"} <= fonts and all(f.startswith("DejaVu") for f in fonts)
    assert "Table IV" in reader.pages[0].extract_text()
    assert sorted(p.name for p in work.iterdir()) == ["table-iv.pdf", "table-iv.supplement.html"]

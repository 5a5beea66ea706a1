#!/usr/bin/env bash
# Set up everything trialcompare needs on a fresh Debian/Ubuntu machine: system libraries for WeasyPrint
# (Pango, HarfBuzz, fonts) and a virtual environment in .venv with the package and its test tools.
# Idempotent: a second run only checks. Called by `make`; safe to run by hand. One line per step on stderr
# (bootstrap: ...), nothing else unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1)

missing_libs() {
  # the cache is read once: `ldconfig -p | grep -q` fails now and then under pipefail (grep -q exits at the first
  # match, ldconfig dies of SIGPIPE), which reported present libraries as missing
  local lib cache
  cache=$(ldconfig -p 2>/dev/null || true)
  for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libharfbuzz-subset.so.0 libfontconfig.so.1; do
    grep -qF "$lib" <<<"$cache" || echo "$lib"
  done
}

step() { echo "bootstrap: $*" >&2; }

step "checking system libraries for WeasyPrint (Pango, HarfBuzz, fontconfig)"
if [ -n "$(missing_libs)" ]; then
  echo "bootstrap: WeasyPrint needs system libraries that are missing: $(missing_libs | tr '\n' ' ')" >&2
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing ${SYSTEM_PACKAGES[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${SYSTEM_PACKAGES[@]}" >/dev/null
  else
    echo "bootstrap: install them first, e.g. sudo apt-get install ${SYSTEM_PACKAGES[*]}" >&2
    echo "           (macOS: brew install pango)" >&2
    exit 1
  fi
fi

"$PYTHON" - <<'PY' || { echo "bootstrap: Python >= 3.11 is required" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x "$VENV/bin/python" ]; then
  step "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
step "installing pip and trialcompare with its test tools into $VENV (pip install -e .[dev])"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[dev]"
# An editable install leaves the package's sources uncompiled (a wheel install compiles them). Compile them once,
# so that no command compiles them on every run where bytecode is not written (PYTHONDONTWRITEBYTECODE).
step "compiling the bytecode of src/"
"$VENV/bin/python" -m compileall -q src
touch "$VENV/.installed"
step "done: $VENV is ready"

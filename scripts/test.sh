#!/usr/bin/env bash
# Run every test. Sets up what the tests need where it can: the package with its test
# extra, LibreOffice (the spreadsheet engine that judges every formula) and Gnumeric (a
# third judge; Formualizer, the fourth, comes with the test extra).
# On a Python that refuses pip outside a virtual environment (Debian's and Ubuntu's own,
# "externally-managed-environment"), the package goes into .venv in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
py=python3
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "modelgen needs Python >= 3.11; $(command -v "$py") is $("$py" --version 2>&1)." >&2
  exit 1
fi
managed=$("$py" -c 'import os, sys, sysconfig
outside = sys.prefix == sys.base_prefix
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
print(int(outside and os.path.exists(marker)))')
if [ "$managed" = 1 ]; then
  if [ ! -x .venv/bin/python ]; then
    echo "$("$py" --version) refuses pip outside a virtual environment: creating .venv" >&2
    if ! "$py" -m venv .venv >/dev/null 2>&1; then # Debian: venv is python3-venv
      rm -rf .venv
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        "$py" -m venv .venv
      else
        echo "Cannot create .venv: sudo apt-get install -y python3-venv, then run again." >&2
        exit 1
      fi
    fi
  fi
  py=.venv/bin/python
fi

"$py" -m pip install --quiet --disable-pip-version-check -e '.[test]'

if ! command -v soffice >/dev/null 2>&1 && [ ! -x /usr/bin/soffice ]; then
  need+=(libreoffice-calc-nogui)
fi
if ! command -v ssconvert >/dev/null 2>&1; then
  need+=(gnumeric) # verify --engine gnumeric: ssconvert --recalc
fi
if ! command -v pdftoppm >/dev/null 2>&1; then
  need+=(poppler-utils) # modelgen preview: PDF pages to PNG
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${need[*]} for the engine tests..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing ${need[*]}, so the engine tests will be skipped." >&2
    echo "Install with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  fi
fi

"$py" -m ruff check modelgen tests bench
"$py" -m ruff format --check modelgen tests bench
# one worker per core (pytest-xdist), tests sharing a module's fixture on one worker
# (tests/conftest.py groups them); MODELGEN_TEST_WORKERS=0 runs in this process
"$py" -m pytest -n "${MODELGEN_TEST_WORKERS:-auto}" --dist loadgroup "$@"

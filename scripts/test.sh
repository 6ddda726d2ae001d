#!/usr/bin/env bash
# Run every test. Sets up what the tests need where it can: the package with its test
# extra, LibreOffice (the spreadsheet engine that judges every formula) and Gnumeric (a
# third judge; Formualizer, the fourth, comes with the test extra).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

need=()
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

python3 -m ruff check modelgen tests bench
python3 -m ruff format --check modelgen tests bench
# one worker per core (pytest-xdist), tests sharing a module's fixture on one worker
# (tests/conftest.py groups them); MODELGEN_TEST_WORKERS=0 runs in this process
python3 -m pytest -n "${MODELGEN_TEST_WORKERS:-auto}" --dist loadgroup "$@"

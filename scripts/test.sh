#!/usr/bin/env bash
# Run every test. Sets up what the tests need where it can: the package with its test
# extra, and LibreOffice (the spreadsheet engine that judges every formula).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

if ! command -v soffice >/dev/null 2>&1 && [ ! -x /usr/bin/soffice ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing LibreOffice (libreoffice-calc-nogui) for the engine tests..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui poppler-utils >/dev/null
  else
    echo "LibreOffice (soffice) is missing, so the engine tests will be skipped." >&2
    echo "Install it with: sudo apt-get update && sudo apt-get install -y libreoffice-calc-nogui" >&2
  fi
fi

python3 -m ruff check modelgen tests
python3 -m ruff format --check modelgen tests
python3 -m pytest "$@"

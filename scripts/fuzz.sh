#!/usr/bin/env bash
# Run the fuzz properties with 10,000 examples each (CI runs 1,000); prints the pytest summary.
set -euo pipefail
cd "$(dirname "$0")/.."
NEXTWORD_FUZZ_PROFILE=long exec .venv/bin/python -m pytest -q tests/test_fuzz.py "$@"

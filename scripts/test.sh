#!/usr/bin/env bash
# The whole suite, as README and CI run it: quality gates first (fast), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck" && npx tsc --noEmit -p tsconfig.json
echo "== typecheck (browser scripts)" && npx tsc -p tsconfig.browser.json
echo "== lint" && npx eslint . --max-warnings 0
echo "== format" && npx prettier --check . --log-level warn
echo "== tests" && npx vitest run "$@"

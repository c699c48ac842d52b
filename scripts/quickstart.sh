#!/usr/bin/env bash
# README command 1: install what is missing, build odibi, run examples/quickstart, print the story path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./scripts/bootstrap.sh
cmake --preset release > /dev/null
cmake --build --preset release --target odibi
odibi="$root/build/release/bin/odibi"
"$odibi" --version
"$odibi" run examples/quickstart/odibi.yaml
echo
"$odibi" story last examples/quickstart/odibi.yaml

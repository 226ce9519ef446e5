#!/usr/bin/env bash
# Runs Hearth's jcstress tests: run-jcstress.sh [mode] [extra jcstress options]
# mode: sanity | quick (CI's, the default) | default | tough | stress. Builds the jar unless
# SKIP_BUILD=1. jcstress exits 0 even when a test fails, so its summary is checked here: any
# failed or errored test fails this script. Results (HTML) go to hearth-jcstress/target/results.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-quick}
shift || true
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -pl hearth-jcstress -am package -DskipTests
fi
out=hearth-jcstress/target/jcstress-$mode.txt
mkdir -p hearth-jcstress/target
( cd hearth-jcstress/target && java -jar jcstress.jar -m "$mode" -r results "$@" ) > "$out" 2>&1 || {
  tail -50 "$out"; echo "jcstress did not run"; exit 1; }
sed -n '/RUN RESULTS:/,$p' "$out"
grep -q "Failed tests: No matches." "$out" && grep -q "Error tests: No matches." "$out" || {
  echo "jcstress: a test failed or errored; see $out and hearth-jcstress/target/results/index.html"
  exit 1; }
tests=$(grep -c 'class="test' hearth-jcstress/target/results/index.html 2>/dev/null || true)
echo "jcstress ($mode): every test passed; $(grep -o 'Results: [0-9]* planned; [0-9]* passed' "$out" | tail -1)"

#!/usr/bin/env bash
# Cross-source evaluation of the content scanner; rewrites the results section of docs/scanner.md.
# Also retrains the shipped model on all dev files when called with --retrain.
# The injection model's benign class is widened with a corpus of local Debian documentation
# (core/bench/scanner-benign-corpus.sh, built into core/target on first use, about 5 minutes);
# set VIGIL_SCANNER_EXTRA_BENIGN=none to train on the dev files alone.
# Usage: core/bench/scanner-eval.sh [--retrain]   (data: ../shared/data/scanner-dev, or VIGIL_SCANNER_DATA=DIR)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B -o -pl core compile
CP_FILE="$PWD/core/target/eval-classpath.txt"
mvn -q -B -o -pl core dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$CP_FILE"
CP="core/target/classes:$(cat "$CP_FILE")"
EXTRA="${VIGIL_SCANNER_EXTRA_BENIGN:-core/target/scanner-extra-benign.jsonl}"
EXTRA_OPT=()
if [[ "$EXTRA" != "none" ]]; then
  [[ -f "$EXTRA" ]] || core/bench/scanner-benign-corpus.sh "$EXTRA"
  EXTRA_OPT=("-Dvigil.scanner.extraBenign=$EXTRA")
fi
if [[ "${1:-}" == "--retrain" ]]; then
  java "${EXTRA_OPT[@]}" -cp "$CP" dev.vigil.scan.train.TrainInjectionModel auto all core/src/main/resources/dev/vigil/scan/injection-model.bin
  cp core/src/main/resources/dev/vigil/scan/injection-model.bin core/target/classes/dev/vigil/scan/injection-model.bin
fi
exec java "${EXTRA_OPT[@]}" -cp "$CP" dev.vigil.scan.train.EvaluateScanner auto docs/scanner.md

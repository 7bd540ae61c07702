#!/usr/bin/env bash
# Cross-source evaluation of the sentence-embedding classifier experiment (module scanner-embed, profile scanner-embed);
# rewrites the <!-- embed-eval-MODEL:start --> ... <!-- embed-eval-MODEL:end --> sections of docs/scanner.md and prints the
# single-thread latency per 1 KB text of each model.
# Uses the same extra benign corpus as core/bench/scanner-eval.sh (built on first use; VIGIL_SCANNER_EXTRA_BENIGN=none for
# none). Embeddings are cached in scanner-embed/target/embeddings-MODEL.bin: a cold run embeds ~20,000 lines (about 2 min
# for all-minilm-l6-v2-q, 5 for the float32 model, 10 for e5-small-v2-q, one core each), a warm one takes under a minute.
# Usage: scanner-embed/bench/scanner-embed-eval.sh [q] [full] [e5]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/../.."
MODELS=("$@")
[[ ${#MODELS[@]} -gt 0 ]] || MODELS=(q full e5)
EXTRA="${VIGIL_SCANNER_EXTRA_BENIGN:-core/target/scanner-extra-benign.jsonl}"
EXTRA_OPT=()
if [[ "$EXTRA" != "none" ]]; then
  [[ -f "$EXTRA" ]] || core/bench/scanner-benign-corpus.sh "$EXTRA"
  EXTRA_OPT=("-Dvigil.scanner.extraBenign=$EXTRA")
fi
nice -n 10 mvn -q -B -o -Pscanner-embed -pl core,scanner-embed compile
for model in "${MODELS[@]}"; do
  case "$model" in
    q) profiles=scanner-embed ;;
    full) profiles=scanner-embed,minilm-full ;;
    e5) profiles=scanner-embed,e5-small ;;
    *) echo "unknown model $model (q, full, e5)" >&2; exit 2 ;;
  esac
  CP_FILE="$PWD/scanner-embed/target/classpath-$model.txt"
  nice -n 10 mvn -q -B -o "-P$profiles" -pl core,scanner-embed dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$CP_FILE"
  # the last module written is scanner-embed; vigil-core from this work tree, never a jar another checkout installed in ~/.m2
  CP="core/target/classes:scanner-embed/target/classes:$(tr ':' '\n' < "$CP_FILE" | grep -v '/vigil-core/' | paste -sd:)"
  nice -n 10 java -Dlogback.configurationFile=scanner-embed/bench/logback-quiet.xml "${EXTRA_OPT[@]}" "-Dvigil.scanner.minilm=$model" -cp "$CP" \
    dev.vigil.scan.embed.train.EvaluateEmbeddingHead auto docs/scanner.md
  nice -n 10 java -Dlogback.configurationFile=scanner-embed/bench/logback-quiet.xml "-Dvigil.scanner.minilm=$model" -cp "$CP" \
    dev.vigil.scan.embed.train.MeasureEmbeddingLatency auto 64
done

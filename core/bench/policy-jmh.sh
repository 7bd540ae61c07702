#!/usr/bin/env bash
# Runs the policy engine JMH benchmark (single thread, with the GC profiler for allocation per op).
# Usage: core/bench/policy-jmh.sh [extra JMH args]   (run from anywhere; needs a prior offline-capable Maven repo)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B -o -pl core test-compile
CP_FILE="$PWD/core/target/bench-classpath.txt"
mvn -q -B -o -pl core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
CP="core/target/test-classes:core/target/classes:$(cat "$CP_FILE")"
exec java -cp "$CP" org.openjdk.jmh.Main 'dev.vigil.policy.bench.PolicyEvaluationBenchmark' \
  -f 1 -wi 3 -i 5 -w 1s -r 1s -t 1 -prof gc "$@"

#!/usr/bin/env bash
# Content-scanner throughput on 1 KB texts, single thread (= per core). One op scans 1024 chars,
# so MB/s = ops/s * 1024 / 1e6. Short settings: about one minute in all. Then the same texts timed
# in thread CPU time (ScannerCpuThroughput), which stays meaningful when the machine is loaded.
# Usage: core/bench/scanner-jmh.sh [extra JMH args]   (needs ../shared/data/scanner-dev beside the repo)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B -o -pl core test-compile
CP_FILE="$PWD/core/target/bench-classpath.txt"
mvn -q -B -o -pl core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
CP="core/target/test-classes:core/target/classes:$(cat "$CP_FILE")"
java -cp "$CP" org.openjdk.jmh.Main 'dev.vigil.scan.bench.ScannerBenchmark' \
  -f 1 -wi 2 -i 3 -w 2s -r 3s -t 1 -prof gc "$@"
# Same texts, measured in thread CPU time: the per-core figure even when other processes share the cores.
uptime
java -cp "$CP" dev.vigil.scan.bench.ScannerCpuThroughput 5

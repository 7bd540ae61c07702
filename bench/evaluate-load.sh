#!/usr/bin/env bash
# HTTP load on POST /v1/evaluate: one node (the packaged jar) on the local PostgreSQL, every decision's receipt
# durable in the journal before its reply, driven from a separate JVM on loopback. Prints a markdown table.
# Usage: bench/evaluate-load.sh [seconds-per-step]   (builds nothing: run `mvn -q -DskipTests package` first)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
db=vigil_bench_$$
key="bench-admin-key-$(date +%s)-0123456789"
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db"
[ -n "${BENCH_ASYNC_COMMIT:-}" ] && psql -h 127.0.0.1 -U postgres -d postgres -qc "ALTER DATABASE $db SET synchronous_commit = off"
data=$(mktemp -d)
cleanup() {
  [ -n "${node:-}" ] && kill "$node" 2>/dev/null && wait "$node" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  cp "$data/node.log" "${TMPDIR:-/tmp}/evaluate-load-node.log" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
VIGIL_DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" VIGIL_DB_USER=postgres VIGIL_DB_PASSWORD= \
VIGIL_DATA_DIR="$data" VIGIL_BOOTSTRAP_ADMIN_KEY="$key" VIGIL_HTTP_PORT=28181 VIGIL_MANAGEMENT_PORT=28558 \
VIGIL_METRICS_PORT=29195 VIGIL_METRICS_ENABLED=${BENCH_METRICS:-true} VIGIL_REMOTING_PORT=25598 VIGIL_DB_POOL_SIZE=${BENCH_DB_POOL:-16} \
  java -Xmx1g ${NODE_OPTS:-} -jar cluster/target/vigil.jar > "$data/node.log" 2>&1 &
node=$!
for _ in $(seq 1 120); do
  curl -sf http://127.0.0.1:28558/ready >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf http://127.0.0.1:28558/ready >/dev/null
curl -sf -X POST "http://127.0.0.1:28181/v1/policies?activate=true" -H "Authorization: Bearer $key" \
  -H 'Content-Type: application/yaml' --data-binary @bench/bench-policy.yaml >/dev/null
sleep 2
[ -n "${BENCH_SCRAPE:-}" ] && (sleep 18; curl -s http://127.0.0.1:29195/metrics > "$BENCH_SCRAPE") &
java -cp chaos-tests/target/vigil-chaos.jar dev.vigil.bench.EvaluateLoad --api http://127.0.0.1:28181 --key "$key" \
  --agents "${BENCH_AGENTS:-2000}" --concurrency "${BENCH_CONCURRENCY:-64}" --seconds "$seconds" --warmup "${BENCH_WARMUP:-5}" --curve "${BENCH_CURVE:-true}" ${BENCH_SLOW_TRACE:+--slow-trace "$BENCH_SLOW_TRACE"} \
  --node-pid "$node"

#!/bin/sh
# Runs the investigations benchmark against a fresh node on loopback; builds nothing (uses cluster/target/vigil.jar
# and chaos-tests/target/vigil-chaos.jar). Usage: bench/investigations/run.sh [count] [concurrency]
#   BENCH_STACK=kubernetes (default): PostgreSQL journal (a fresh database), Jobs created through the fabric8 client on
#     the Kubernetes API stand-in (a separate process: fabric8's CRUD mock + a Job controller; Jobs run 1 s)
#   BENCH_STACK=dev: the dev profile as is (embedded H2, Jobs as local processes)
# The Vault stand-in is the dev profile's, inside the node. NODE_OPTS passes JVM flags to the node;
# BENCH_WARMUP_COUNT (default 500) investigations run first to warm the node and are not reported.
set -eu
cd "$(dirname "$0")/../.."
COUNT="${1:-1000}"
CONCURRENCY="${2:-64}"
STACK="${BENCH_STACK:-kubernetes}"
DATA=$(mktemp -d)
PORT=18080
KEY="bench-admin-key-0123456789abcdef0123"
DB="vigil_invbench_$$"
NODE=""
K8S=""
cleanup() {
  [ -n "$NODE" ] && kill "$NODE" 2>/dev/null && wait "$NODE" 2>/dev/null || true
  [ -n "$K8S" ] && kill "$K8S" 2>/dev/null && wait "$K8S" 2>/dev/null || true
  [ "$STACK" = kubernetes ] && psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
  rm -rf "$DATA"
}
trap cleanup EXIT
if [ "$STACK" = kubernetes ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB"
  java -cp chaos-tests/target/vigil-chaos.jar dev.vigil.bench.KubernetesStandInMain 18443 1000 > "$DATA/k8s.log" 2>&1 &
  K8S=$!
  export VIGIL_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" VIGIL_DB_USER=postgres VIGIL_DB_PASSWORD= VIGIL_DB_POOL_SIZE=16
  export VIGIL_JOB_RUNNER=fabric8 VIGIL_KUBERNETES_MASTER_URL=http://127.0.0.1:18443
fi
VIGIL_DATA_DIR="$DATA" VIGIL_HTTP_PORT=$PORT VIGIL_MANAGEMENT_PORT=18558 VIGIL_METRICS_ENABLED=false \
  VIGIL_REMOTING_PORT=25590 VIGIL_BOOTSTRAP_ADMIN_KEY="$KEY" VIGIL_INVESTIGATIONS_MAX_RUNNING=50000 \
  java ${NODE_OPTS:-} -jar cluster/target/vigil.jar > "$DATA/node.log" 2>&1 &
NODE=$!
for i in $(seq 1 120); do
  curl -sf "http://127.0.0.1:18558/ready" >/dev/null 2>&1 && break
  sleep 1
done
API="http://127.0.0.1:$PORT"
curl -sf -X PUT "$API/v1/agents/bench-agent" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"displayName":"Bench"}' >/dev/null
# a cold JIT spends most of the node's CPU compiling: warm it with a first round whose figures are not reported
WARMUP="${BENCH_WARMUP_COUNT:-500}"
if [ "$WARMUP" -gt 0 ]; then
  # at 8 in flight: a cold node answers its first starts slowly (see docs/benchmarks.md)
  java bench/investigations/InvestigationBench.java "$API" "$KEY" "$WARMUP" 8 > "$DATA/warmup.txt"
fi
# CPU time (user + system clock ticks from /proc) of the node, the Kubernetes API stand-in and every PostgreSQL
# process over the measured run, and of the load generator: where the machine's two cores go per start
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  for p in $(pgrep -x postgres || true); do ticks "$p"; done | awk '{s += $1} END {print s + 0}'
}
NODE_T0=$(ticks "$NODE"); PG_T0=$(pg_ticks); K8S_T0=0
[ -n "$K8S" ] && K8S_T0=$(ticks "$K8S")
/usr/bin/time -f "%U %S" -o "$DATA/load-cpu.txt" \
  java bench/investigations/InvestigationBench.java "$API" "$KEY" "$COUNT" "$CONCURRENCY" || {
  cp "$DATA/node.log" "${BENCH_FAILED_LOG:-/tmp/investigation-bench-node.log}"
  echo "node log kept in ${BENCH_FAILED_LOG:-/tmp/investigation-bench-node.log}" >&2
  exit 1
}
NODE_T1=$(ticks "$NODE"); PG_T1=$(pg_ticks); K8S_T1=0
[ -n "$K8S" ] && K8S_T1=$(ticks "$K8S")
HZ=$(getconf CLK_TCK)
awk -v n=$((NODE_T1 - NODE_T0)) -v p=$((PG_T1 - PG_T0)) -v k=$((K8S_T1 - K8S_T0)) -v hz="$HZ" -v c="$COUNT" \
  -v l="$(cat "$DATA/load-cpu.txt" | tail -1)" 'BEGIN {
    split(l, t, " "); g = t[1] + t[2];
    printf "CPU per investigation over the measured run (start, Job, leases, conclusion, revocations; ms): node %.2f (incl. the Vault stand-in), Kubernetes API stand-in %.2f, PostgreSQL %.2f, load generator %.2f\n",
      1000 * n / hz / c, 1000 * k / hz / c, 1000 * p / hz / c, 1000 * g / c }'

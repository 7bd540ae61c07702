#!/usr/bin/env bash
# Starts one Vigil dev node (embedded H2 under ./data, loopback ports), building the jar if needed.
set -euo pipefail
cd "$(dirname "$0")"
jar=cluster/target/vigil.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./data -prune -o \( -name '*.java' -o -name '*.conf' -o -name 'pom.xml' -o -name '*.json' -o -name '*.yaml' \) -newer "$jar" -print -quit)" ]; then
  echo "dev-node: building $jar" >&2
  mvn -B -q -ntp -DskipTests package
fi
echo "dev-node: API        http://${VIGIL_HTTP_HOST:-127.0.0.1}:${VIGIL_HTTP_PORT:-8080}  (try /v1/version)"
echo "dev-node: management http://127.0.0.1:${VIGIL_MANAGEMENT_PORT:-8558}  (/ready, /alive, /cluster/members)"
echo "dev-node: metrics    http://${VIGIL_METRICS_HOST:-127.0.0.1}:${VIGIL_METRICS_PORT:-9095}/metrics"
echo "dev-node: admin key  in ${VIGIL_DATA_DIR:-./data}/bootstrap-admin.key (generated on first start)"
exec java ${JAVA_OPTS:-} -jar "$jar"

#!/usr/bin/env bash
# Runs Vigil's whole test suite: unit tests, PostgreSQL/HTTP/cluster integration tests, manifest checks, fast drills.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-postgres.sh
exec mvn -B -ntp verify "$@"

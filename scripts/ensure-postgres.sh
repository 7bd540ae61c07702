#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use is up on 127.0.0.1:5432 (trust auth, database "test"):
# installs it with apt-get if missing, starts it if stopped, creates the test database if absent.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  echo "ensure-postgres: PostgreSQL is not installed; installing it with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q postgresql
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
conf=/etc/postgresql/$version/main
if [ -f "$conf/pg_hba.conf" ] && ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$conf/pg_hba.conf"; then
  # tests connect as postgres over loopback without a password, as on this machine kind
  sed -i '1i host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"
  restart=1
fi
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  echo "ensure-postgres: starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
elif [ "${restart:-0}" = 1 ]; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload
fi

for _ in $(seq 1 30); do
  if psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    break
  fi
  sleep 1
done
psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null
fi
echo "ensure-postgres: PostgreSQL $version is up on 127.0.0.1:5432" >&2

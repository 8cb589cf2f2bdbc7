#!/usr/bin/env bash
# The system's PostgreSQL server binaries, the second major version the tests prove (the embedded
# server is 16). Installed from the distribution when missing and we may (root with apt-get);
# Debian must then not create and start a cluster of its own. Otherwise say what to install:
# tests/test_versions.py fails with the same advice.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/twinschema.conf
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15
else
  echo "note: no system PostgreSQL under /usr/lib/postgresql; install your distribution's" \
       "server package (Debian: postgresql-15) for tests/test_versions.py" >&2
fi

#!/usr/bin/env bash
# The system's PostgreSQL server binaries, the second major version the tests prove (the embedded
# server is 16), with PostGIS (tests/test_extension_types.py compares its geometry types).
# Installed from the distribution when missing and we may (root with apt-get); Debian must then
# not create and start a cluster of its own. Otherwise say what to install: tests/test_versions.py
# and tests/test_extension_types.py fail with the same advice.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
  && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/twinschema.conf
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql-15 postgresql-15-postgis-3
else
  echo "note: no system PostgreSQL with PostGIS under /usr/lib/postgresql; install your" \
       "distribution's packages (Debian: postgresql-15 postgresql-15-postgis-3) for" \
       "tests/test_versions.py and tests/test_extension_types.py" >&2
fi

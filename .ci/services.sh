# Sourced by .ci/run: install PostgreSQL + PostGIS and Redis from Debian when missing, start
# them on loopback only, create the test role and database, export the test URLs.
# Idempotent: a second run finds everything installed, running and created.

FRONTLINE_PG_PASSWORD=${FRONTLINE_PG_PASSWORD:-frontline}
export FRONTLINE_TEST_POSTGRES=${FRONTLINE_TEST_POSTGRES:-postgresql://frontline:${FRONTLINE_PG_PASSWORD}@127.0.0.1:5432/frontline_test}
export FRONTLINE_TEST_REDIS=${FRONTLINE_TEST_REDIS:-redis://127.0.0.1:6379/15}

services_need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || services_need+=(postgresql)
[ -d /usr/share/postgresql/15/extension ] && ls /usr/share/postgresql/15/extension/postgis.control \
  >/dev/null 2>&1 || services_need+=(postgresql-15-postgis-3)
command -v redis-server >/dev/null 2>&1 || services_need+=(redis-server)
if [ ${#services_need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${services_need[@]}"
fi

# Debian creates the "main" cluster on install; a minimal image may have skipped that.
pg_lsclusters -h | grep -q '^15 *main' || pg_createcluster --locale C.UTF-8 15 main
# Loopback only, in the config file so that `pg_ctlcluster 15 main restart` keeps it.
mkdir -p /etc/postgresql/15/main/conf.d
echo "listen_addresses = '127.0.0.1'" >/etc/postgresql/15/main/conf.d/frontline.conf
pg_lsclusters -h | grep -q '^15 *main .*online' || pg_ctlcluster 15 main start
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 1
done

su postgres -c "psql -q -v ON_ERROR_STOP=1" <<SQL
SELECT 'CREATE ROLE frontline LOGIN' WHERE NOT EXISTS
  (SELECT FROM pg_roles WHERE rolname = 'frontline')\gexec
ALTER ROLE frontline PASSWORD '${FRONTLINE_PG_PASSWORD}';
SELECT 'CREATE DATABASE frontline_test OWNER frontline ENCODING ''UTF8'' TEMPLATE template0
  LC_COLLATE ''C.UTF-8'' LC_CTYPE ''C.UTF-8''' WHERE NOT EXISTS
  (SELECT FROM pg_database WHERE datname = 'frontline_test')\gexec
SQL
# The role is not a superuser, and PostGIS is not a "trusted" extension: create it here.
su postgres -c "PGOPTIONS='-c client_min_messages=warning' psql -q -d frontline_test -c 'CREATE EXTENSION IF NOT EXISTS postgis'"

redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 \
  || redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no
for _ in $(seq 1 30); do
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
  sleep 0.2
done

#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster of the oldest installed server
# version >= 15, with TEST_DATABASE_URL pointing at it. Without such a server: skip, exit 0
# (exit 1 under CI=true).
#   usage: scripts/with-system-postgres.sh .venv/bin/pytest -q
set -euo pipefail

initdb=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V); do
  major=$(basename "$(dirname "$(dirname "$candidate")")")
  if [ "${major%%.*}" -ge 15 ]; then initdb=$candidate; break; fi
done
if [ -z "$initdb" ]; then
  echo "with-system-postgres: no PostgreSQL >= 15 server installed; skipped"
  # CI installs one (.ci/run): there, a missing server is a failure, not a skip.
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
bin=$(dirname "$initdb")

# initdb refuses to run as root: use the postgres system user when we are root.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
dir=$(mktemp -d /tmp/povertydb-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT

# As a real server would be: the socket trusts its own OS user, TCP needs a password.
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$password" > "$dir/pwfile"
[ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile"
as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --pwfile="$dir/pwfile" -E UTF8 >/dev/null
rm -f "$dir/pwfile"
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
echo "with-system-postgres: $("$bin/postgres" --version) on 127.0.0.1:$port"
TEST_DATABASE_URL="postgresql://postgres:$password@127.0.0.1:$port/postgres" "$@"

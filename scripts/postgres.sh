#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the query-log tests, from Debian's packages:
#
#   bash scripts/postgres.sh start DIR   # initdb into DIR/data, start; writes DIR/dsn (a libpq URI) and logs to DIR/log/*.csv
#   bash scripts/postgres.sh stop DIR
#
# As root the cluster runs as the `postgres` user the Debian package creates (PostgreSQL refuses
# root), in a folder of its own under /tmp that user can reach; DIR/cluster names it, DIR/log links to its logs.
# pg_stat_statements is preloaded and every statement goes to the csvlog (log_statement = all). The
# superuser `lineage` has a random password (in DIR/dsn only, never printed); the server listens on
# 127.0.0.1 only, at a free port.
set -euo pipefail

action=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}
here=$(cd "$(dirname "$0")" && pwd)

bash "$here/install-debian.sh" pg_ctlcluster:postgresql
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi

if [ "$action" = stop ]; then
    [ -f "$dir/cluster" ] || exit 0
    cluster=$(cat "$dir/cluster")
    [ -f "$cluster/data/postmaster.pid" ] && "${as_owner[@]}" "$bin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null
    [ "$cluster" != "$dir" ] && rm -rf "$cluster"
    rm -f "$dir/cluster"
    exit 0
fi

mkdir -p "$dir"
cluster=$dir
if [ "$(id -u)" -eq 0 ]; then
    cluster=$(mktemp -d /tmp/lineage-postgres.XXXXXX)
    chmod 700 "$cluster"
    chown postgres:postgres "$cluster"
    ln -sfn "$cluster/log" "$dir/log"
fi
printf '%s\n' "$cluster" >"$dir/cluster"
"${as_owner[@]}" mkdir -p "$cluster/log"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
(umask 077; printf '%s\n' "$password" >"$cluster/pwfile")
[ "$cluster" != "$dir" ] && chown postgres:postgres "$cluster/pwfile"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_owner[@]}" "$bin/initdb" -D "$cluster/data" -U lineage --pwfile="$cluster/pwfile" --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --no-locale >"$dir/initdb.log"
rm -f "$cluster/pwfile"
cat >>"$cluster/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$cluster'
shared_preload_libraries = 'pg_stat_statements'
logging_collector = on
log_destination = 'csvlog'
log_directory = '$cluster/log'
log_filename = 'postgresql'
log_statement = 'all'
fsync = off
EOF
"${as_owner[@]}" "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 start >/dev/null
(umask 077; printf 'postgresql://lineage:%s@127.0.0.1:%s/postgres\n' "$password" "$port" >"$dir/dsn")
echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') up on 127.0.0.1:$port (data in $cluster/data)"

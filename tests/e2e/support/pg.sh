# Throwaway PostgreSQL server for an e2e case, kept in the case's directory: init | start | stop | remove | sql <query>.
# Usage from a case: sh sh ${CASEDIR}/../support/pg.sh init
set -e
bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/postgres" ]; then bin="$candidate"; fi
done
if [ -z "$bin" ]; then
    echo "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: run scripts/bootstrap.sh" >&2
    exit 1
fi
as_server_user() {
    if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --clear-groups "$@"; else "$@"; fi
}
case "$1" in
init)
    dir="$(mktemp -d /tmp/odibi-e2e-pg.XXXXXX)"
    echo "$dir" > pg_dir
    printf '%s\n' "$PG_PASSWORD" > "$dir/password"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir"; fi
    as_server_user "$bin/initdb" -D "$dir/data" -U odibi --pwfile="$dir/password" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync --no-instructions > "$dir/initdb.log" 2>&1
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    echo "PG_PORT=$port" > .env
    ;;
start)
    dir="$(cat pg_dir)"; . ./.env
    as_server_user "$bin/postgres" -D "$dir/data" -k "$dir" -p "$PG_PORT" -c listen_addresses=127.0.0.1 \
        -c fsync=off < /dev/null >> "$dir/server.log" 2>&1 &
    for attempt in $(seq 1 300); do
        if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then exit 0; fi
        sleep 0.1
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
stop)
    dir="$(cat pg_dir)"; pid="$(head -n 1 "$dir/data/postmaster.pid")"
    kill -INT "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    ;;
remove)
    rm -rf "$(cat pg_dir)"
    ;;
sql)
    . ./.env
    PGPASSWORD="$PG_PASSWORD" psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U odibi -d postgres -c "$2"
    ;;
esac

#!/usr/bin/env bash
# The whole test suite against a real Neo4j: what `make test` and CI run.
#
#   bash scripts/run-tests.sh [PYTEST ARGS...]
#
# Starts this checkout's Neo4j (scripts/neo4j.sh, needs Java 17), exports its settings from
# .neo4j/env, runs `.venv/bin/python -m pytest "$@"`, and always stops the server again, exiting
# with pytest's status.
#
# LINEAGE_REQUIRE_NEO4J=1 is set on every run, not only when CI is: this script exists to run the
# suite against the server it has just started, so a Neo4j test that would skip means that server
# broke, and that must fail here as it must in CI. For a quick run that skips Neo4j tests when no
# server is up, use `make test-fast` (plain pytest).
#
# The password is never printed: it only travels in the environment of pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-.venv/bin/python}"

log() { printf 'run-tests.sh: %s\n' "$*" >&2; }

# Several runs may share this checkout's server (a second `start` reuses the first's). Each run
# holds a shared lock on USERS_LOCK while it uses the server; only the last one out gets the
# exclusive lock, and it stops the server, once no pytest session holds the tests' own lock
# (tests/contract/neo4j_server.py: a plain `pytest` run may be using the server too).
USERS_LOCK=.neo4j/run-tests.lock

tests_lock() {
    [[ -n "${NEO4J_URI:-}" ]] || return 1
    "$PYTHON" -c 'import sys; from tests.contract.neo4j_server import lock_path; print(lock_path(sys.argv[1]))' "$NEO4J_URI" 2>/dev/null
}

stop_neo4j() {
    exec 8>&-  # drop our shared hold
    local rc=0 held
    held="$(tests_lock 8>&-)" || held=/dev/null
    flock -n -E 75 -x "$USERS_LOCK" flock -w 600 -E 76 "$held" bash scripts/neo4j.sh stop || rc=$?
    case "$rc" in
        0) ;;
        75) log "another scripts/run-tests.sh still uses Neo4j; the last one to finish stops it" ;;
        76) log "warning: a pytest run kept Neo4j busy for 600 s; stopping it anyway"
            bash scripts/neo4j.sh stop || log "warning: could not stop Neo4j; run \`bash scripts/neo4j.sh stop\`" ;;
        *) log "warning: could not stop Neo4j; run \`bash scripts/neo4j.sh stop\`" ;;
    esac
}

# Everything runs from main, so bash has read the whole file before it runs any of it: editing
# this script while a run is under way cannot change what that run does.
main() {
    [[ -x "$PYTHON" ]] || { log "error: $PYTHON not found; run \`make install\` first"; exit 2; }

    # Stop the server however we leave: normal exit, error, Ctrl-C or kill (the signal traps exit,
    # which runs the EXIT trap). A start that fails half-way cleans up after itself, and stopping a
    # server that is not running is harmless.
    trap stop_neo4j EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    mkdir -p .neo4j
    exec 8>>"$USERS_LOCK"
    flock -s 8  # waits only while another run is stopping the server

    # 8>&-: children must not inherit the lock, or the server itself would hold it for ever
    if ! uri="$(bash scripts/neo4j.sh start 8>&-)"; then
        log "error: could not start Neo4j (see the lines above); the test suite needs it"
        exit 1
    fi
    if [[ ! -r .neo4j/env ]]; then
        log "error: Neo4j started but .neo4j/env is missing"
        exit 1
    fi
    set -a
    # shellcheck source=/dev/null
    . .neo4j/env
    set +a
    export LINEAGE_REQUIRE_NEO4J=1
    log "Neo4j is up at $uri"

    status=0
    "$PYTHON" -m pytest "$@" 8>&- || status=$?
    exit "$status"
}

main "$@"

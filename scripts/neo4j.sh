#!/usr/bin/env bash
# Provision and run a local, real Neo4j Community 5 (LTS) server for lineage's
# integration tests and development -- without Docker and without any
# download other than through Maven Central.
#
#   scripts/neo4j.sh start    start (or reuse) the server; prints ONLY its Bolt URI
#   scripts/neo4j.sh init     what start does before it launches the server
#                             (jars, config, password), without launching it
#   scripts/neo4j.sh stop     stop it via its pid file and wait until it exited
#   scripts/neo4j.sh status   exit 0 if it answers Bolt, 1 otherwise
#
# Layout (why):
#   ${NEO4J_CACHE:-~/.cache/lineage-neo4j}/<version>/lib/
#       The server's jars, resolved by Maven from Central. Outside the repo so
#       that they are never committed and are shared by every checkout and run.
#   <repo>/.neo4j/          (must be git-ignored)
#       The server's home: conf/, data/, logs/, run/neo4j.pid, plus
#       password and port (generated once per home) and env (connection
#       settings, sourceable, mode 600). Per checkout so that worktrees do not
#       share a database.
#
# Environment knobs (all optional):
#   NEO4J_VERSION        Maven version of org.neo4j:neo4j      (default 5.26.30)
#   NEO4J_CACHE          jar cache root                        (default ~/.cache/lineage-neo4j)
#   NEO4J_HEAP           JVM heap, e.g. 512m                   (default 512m)
#   NEO4J_PAGECACHE      page cache size                       (default 64m)
#   NEO4J_START_TIMEOUT  seconds to wait for Bolt              (default 120)
#   NEO4J_STOP_TIMEOUT   seconds to wait for a clean stop      (default 60)
#   JAVA_HOME            which Java 17+ to use                 (default: java on PATH)
#
# Requires: bash, java 17+, mvn (first run only), python3, util-linux (flock,
# setsid), coreutils.
set -euo pipefail
# No job control even if someone runs us with it on: background children must
# stay in our process group for the setsid/pid logic in cmd_start to hold.
set +m

# --- settings ---------------------------------------------------------------

# 5.26 is the Neo4j 5 LTS line and still runs on Java 17 (2025.x needs 21).
# Pinned exactly so every machine runs the same server; bump deliberately.
NEO4J_VERSION="${NEO4J_VERSION:-5.26.30}"
# Pinned because Maven 3.8's default binding of the dependency plugin is the
# ancient 2.8, whose behaviour differs.
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="$REPO_ROOT/.neo4j"            # server home; git-ignored
CONF_DIR="$STATE_DIR/conf"
RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/logs"
PID_FILE="$RUN_DIR/neo4j.pid"
PASSWORD_FILE="$STATE_DIR/password"
AUTH_FILE="$STATE_DIR/data/dbms/auth.ini"  # written by set-initial-password
PORT_FILE="$STATE_DIR/port"
ENV_FILE="$STATE_DIR/env"
LOCK_FILE="$STATE_DIR/lock"
SERVER_LOG="$LOG_DIR/neo4j.log"          # written by Neo4j itself
CONSOLE_LOG="$LOG_DIR/console.log"       # JVM stdout/stderr (early crashes land here)

CACHE_ROOT="${NEO4J_CACHE:-$HOME/.cache/lineage-neo4j}"
LIB_DIR="$CACHE_ROOT/$NEO4J_VERSION/lib"
HEAP="${NEO4J_HEAP:-512m}"
PAGECACHE="${NEO4J_PAGECACHE:-64m}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

MAIN_CLASS="org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS="org.neo4j.cli.AdminTool"

# --- helpers ----------------------------------------------------------------

# stdout is reserved for the URI (start) / status line, so all chatter goes to stderr.
log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not found on PATH"; }

# Serialise start/stop of this checkout's server, so two concurrent `start`s
# (e.g. parallel test jobs) cannot launch two JVMs on one data dir.
take_lock() {
    mkdir -p "$STATE_DIR"
    exec 9>"$LOCK_FILE"
    flock 9
}

# True if $1 is a live process that is *our* server: a CommunityEntryPoint
# whose --home-dir is this checkout's .neo4j. Guards against a recycled pid
# making us reuse or kill an unrelated process.
is_our_server() {
    local pid="$1" cmdline
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    cmdline="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
    grep -qxF "$MAIN_CLASS" <<<"$cmdline" && grep -qxF -- "--home-dir=$STATE_DIR" <<<"$cmdline"
}

# kill -0 also succeeds on a zombie, and the server is our own child while
# `start` runs (until the script exits, nobody reaps it), so look at the state.
alive() {
    local state
    state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
    [[ -n "$state" && "$state" != Z ]]
}

read_pid() {
    if [[ -s "$PID_FILE" ]]; then tr -dc '0-9' <"$PID_FILE"; fi
}

# A real Bolt handshake rather than a bare TCP connect: proves a Bolt server
# (not just any listener) owns the port. Proposes Bolt 5.0-5.4 and 4.4; any
# non-zero agreed version means Bolt is up.
bolt_answers() {
    local port="$1"
    python3 - "$port" <<'PY' 2>/dev/null
import socket, sys
port = int(sys.argv[1])
try:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.settimeout(2)
        s.sendall(b"\x60\x60\xb0\x17" + b"\x00\x04\x04\x05" + b"\x00\x00\x04\x04" + b"\x00" * 8)
        data = b""
        while len(data) < 4:
            chunk = s.recv(4 - len(data))
            if not chunk:
                break
            data += chunk
    sys.exit(0 if len(data) == 4 and data != b"\x00\x00\x00\x00" else 1)
except OSError:
    sys.exit(1)
PY
}

# True if nothing listens on 127.0.0.1:$1 (we can bind it ourselves).
port_free() {
    python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
# SO_REUSEADDR like Neo4j's own (netty) bind: otherwise TIME_WAIT leftovers of
# the previous run make the port look taken; a live listener still fails.
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# Let the kernel pick a free ephemeral port (bind to port 0). Racy in theory
# (someone could grab it before Neo4j binds), harmless in practice; a failed
# bind shows up as a start timeout with the reason in the log.
pick_port() {
    python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

check_java() {
    need "$JAVA"
    local v
    # `java -version` prints e.g.: openjdk version "17.0.15" 2025-04-15
    v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
    [[ -n "$v" && "$v" -ge 17 ]] || die "Java 17+ required (found: ${v:-unknown}); set JAVA_HOME"
}

# --- provisioning -----------------------------------------------------------

# Resolve the server's jars from Maven Central once per version and cache them.
# org.neo4j:neo4j is the Community "bundle": it carries CommunityEntryPoint and
# pulls in neo4j-server, neo4j-bolt, Cypher, the kernel, neo4j-command-line
# (AdminTool) and neo4j-security (set-initial-password) transitively; its
# runtime closure is in effect the lib/ directory of the Community tarball.
ensure_jars() {
    if [[ -f "$LIB_DIR/.complete" ]]; then
        return 0
    fi
    need mvn
    local vdir="$CACHE_ROOT/$NEO4J_VERSION" tmp
    mkdir -p "$vdir"
    tmp="$(mktemp -d "$vdir/lib.tmp.XXXXXX")"
    # A throwaway pom that only declares the dependency; we never build it.
    cat >"$vdir/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by lineage scripts/neo4j.sh: only used to resolve Neo4j's jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>lineage.local</groupId>
  <artifactId>neo4j-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>$NEO4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
    log "resolving org.neo4j:neo4j:$NEO4J_VERSION from Maven Central (first run only, ~1 min)..."
    # mvn -q still writes ANSI colour resets to stdout, hence >&2: stdout must
    # carry only the URI.
    if ! mvn -q -B -Dstyle.color=never -f "$vdir/pom.xml" \
            "$DEP_PLUGIN:copy-dependencies" \
            -DincludeScope=runtime -DoutputDirectory="$tmp" >&2; then
        rm -rf "$tmp"
        die "Maven could not resolve org.neo4j:neo4j:$NEO4J_VERSION (see output above)"
    fi
    compgen -G "$tmp/neo4j-$NEO4J_VERSION.jar" >/dev/null \
        || { rm -rf "$tmp"; die "resolved jars lack neo4j-$NEO4J_VERSION.jar"; }
    # Publish atomically so an interrupted download is never mistaken for a
    # complete cache.
    touch "$tmp/.complete"
    rm -rf "$LIB_DIR"
    mv "$tmp" "$LIB_DIR"
    log "cached $(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $LIB_DIR"
}

# Generate the random password once per home dir and register it as the
# initial password BEFORE the first start (the system database only picks up
# data/dbms/auth.ini while it is being created).
ensure_password() {
    local system_db="$STATE_DIR/data/databases/system"
    if [[ ! -s "$PASSWORD_FILE" ]]; then
        if [[ -d "$system_db" ]]; then
            die "$system_db exists but $PASSWORD_FILE is gone, so the neo4j password is unknown; stop the server and delete $STATE_DIR to start afresh"
        fi
        # 32 hex chars: well above Neo4j's 8-char minimum, and safe to `source`.
        (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$PASSWORD_FILE")
    fi
    chmod 600 "$PASSWORD_FILE"
    if [[ ! -d "$system_db" ]]; then
        log "setting the initial password (neo4j-admin dbms set-initial-password)"
        # AdminTool is the class behind `neo4j-admin`; it locates the home and
        # config through NEO4J_HOME/NEO4J_CONF like the shell wrapper does.
        # The password goes in as "@FILE": AdminTool parses its arguments with
        # picocli, which replaces an @-file by the words in it
        # (https://picocli.info/#AtFiles), so the password
        # itself is in no process's argv (`ps`, /proc/PID/cmdline). umask 077:
        # auth.ini, the password's hash, and the directories above it are
        # private from the moment they exist.
        (umask 077
         NEO4J_HOME="$STATE_DIR" NEO4J_CONF="$CONF_DIR" \
             "$JAVA" -Xmx256m -cp "$LIB_DIR/*" "$ADMIN_CLASS" \
             dbms set-initial-password "@$PASSWORD_FILE" >&2) \
            || die "set-initial-password failed"
    fi
    # also for a home made before auth.ini was created private
    if [[ -f "$AUTH_FILE" ]]; then chmod 600 "$AUTH_FILE"; fi
}

# Keep the port stable across restarts (so an old env file stays right) unless
# something else has taken it meanwhile.
ensure_port() {
    local port=""
    [[ -s "$PORT_FILE" ]] && port="$(tr -dc '0-9' <"$PORT_FILE")"
    if [[ -z "$port" ]] || ! port_free "$port"; then
        port="$(pick_port)"
        echo "$port" >"$PORT_FILE"
    fi
    echo "$port"
}

write_conf() {
    local port="$1"
    mkdir -p "$CONF_DIR"
    # Rewritten on every start so the script is the single source of truth.
    cat >"$CONF_DIR/neo4j.conf" <<EOF
# Generated by scripts/neo4j.sh on every start -- edits are overwritten.
# Loopback only: this is a dev/test server and must never be reachable from outside.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$port
server.bolt.advertised_address=127.0.0.1:$port
# Only Bolt is needed by lineage; no HTTP(S) means no second port to collide on.
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=true
# Small footprint (heap is set on the java command line, since we start the
# JVM ourselves rather than through the neo4j bootloader).
server.memory.pagecache.size=$PAGECACHE
# No phoning home.
dbms.usage_report.enabled=false
server.bolt.telemetry.enabled=false
# Netty's graceful Bolt shutdown otherwise idles 5 s per event-loop group
# (~10 s per stop); nothing needs that on a throwaway server.
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
EOF
}

# Everything the server needs before it is launched: jars, config, the
# password. Prints the port.
provision() {
    ensure_jars
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    local port
    port="$(ensure_port)"
    write_conf "$port"
    ensure_password
    echo "$port"
}

# --- commands ---------------------------------------------------------------

# Show (on stderr) what this start attempt wrote to the server log and the JVM
# console log: $1/$2 are their sizes before the launch, because both files
# are appended across runs and older runs would only confuse.
tail_logs() {
    local f off
    for f in "$SERVER_LOG:$1" "$CONSOLE_LOG:$2"; do
        off="${f##*:}"; f="${f%:*}"
        [[ -f "$f" ]] || continue
        log "---- last lines of $f (this attempt) ----"
        # tr: the JVM writes a stray control byte to stdout; keep output clean.
        tail -c "+$((off + 1))" "$f" | tr -d '\000-\010\013-\037' | grep -v '^$' | tail -n 40 >&2 || true
    done
}

# Size of a file in bytes, 0 if it does not exist.
fsize() { if [[ -f "$1" ]]; then stat -c %s "$1"; else echo 0; fi; }

write_env() {
    local port="$1"
    # umask so the password is never readable by others, not even briefly.
    (umask 077
     cat >"$ENV_FILE.tmp" <<EOF
NEO4J_URI=bolt://127.0.0.1:$port
NEO4J_USER=neo4j
NEO4J_PASSWORD=$(cat "$PASSWORD_FILE")
EOF
    )
    chmod 600 "$ENV_FILE.tmp"
    mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

# Terminate our server: SIGTERM runs Neo4j's shutdown hook (checkpoint, clean
# store close); SIGKILL only if it hangs past the timeout.
kill_and_wait() {
    local pid="$1" waited=0
    kill -TERM "$pid" 2>/dev/null || return 0
    while alive "$pid"; do
        if (( waited >= STOP_TIMEOUT * 5 )); then
            log "pid $pid still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 0.2
        waited=$((waited + 1))
    done
}

# Wait until Bolt answers AND Neo4j has logged "Started." since offset $3 of
# neo4j.log (the log is appended across restarts). Bolt alone could in theory
# be up before the databases are.
wait_ready() {
    local pid="$1" port="$2" log_offset="$3" deadline=$((SECONDS + START_TIMEOUT))
    while (( SECONDS < deadline )); do
        if ! alive "$pid"; then
            log "server process $pid exited during startup"
            return 1
        fi
        if [[ -f "$SERVER_LOG" ]] \
            && tail -c "+$((log_offset + 1))" "$SERVER_LOG" | grep -q 'INFO  Started\.' \
            && bolt_answers "$port"; then
            return 0
        fi
        sleep 0.5
    done
    log "timed out after ${START_TIMEOUT}s waiting for Bolt on 127.0.0.1:$port"
    return 1
}

# What start and init need before they look at the home: tools, and the lock.
lock_to_provision() {
    need python3
    need flock
    check_java
    take_lock
}

# The pid of this checkout's server if it is running; nothing otherwise.
running_pid() {
    local pid
    pid="$(read_pid)"
    if [[ -n "$pid" ]] && is_our_server "$pid"; then echo "$pid"; fi
}

cmd_start() {
    lock_to_provision
    local pid port
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        port="$(tr -dc '0-9' <"$PORT_FILE" 2>/dev/null || true)"
        # A previous start already brought it up (starts hold the lock until
        # the server answers, so it is not half-way through booting): reuse.
        if [[ -n "$port" ]] && bolt_answers "$port"; then
            log "reusing running server (pid $pid)"
            write_env "$port"
            echo "bolt://127.0.0.1:$port"
            return 0
        fi
        log "pid $pid is our server but Bolt does not answer; restarting it"
        kill_and_wait "$pid"
    fi
    rm -f "$PID_FILE"

    local t0=$SECONDS
    port="$(provision)"

    local log_offset console_offset
    log_offset="$(fsize "$SERVER_LOG")"
    console_offset="$(fsize "$CONSOLE_LOG")"

    log "starting Neo4j $NEO4J_VERSION on 127.0.0.1:$port (home $STATE_DIR)"
    # JVM flags: the subset of Neo4j's stock server.jvm.additional that matters
    # on Java 17 (netty/NIO reflective access, G1, readable stack traces).
    # setsid: own session, so the server survives the calling shell/terminal
    # and is not hit by its Ctrl-C. In a non-interactive script the child is
    # not a group leader, so setsid execs in place and $! is java's own pid.
    # 9>&-: do not let the JVM inherit (and hold forever) our lock fd.
    # cd /: do not pin whatever directory the caller happened to be in.
    (cd / && exec setsid "$JAVA" \
        "-Xms$HEAP" "-Xmx$HEAP" \
        -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC \
        -Dio.netty.tryReflectionSetAccessible=true \
        --add-opens=java.base/java.nio=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8 \
        -cp "$LIB_DIR/*" "$MAIN_CLASS" \
        "--home-dir=$STATE_DIR" "--config-dir=$CONF_DIR" \
        </dev/null >>"$CONSOLE_LOG" 2>&1 9>&-) &
    pid=$!
    echo "$pid" >"$PID_FILE"

    if ! wait_ready "$pid" "$port" "$log_offset"; then
        tail_logs "$log_offset" "$console_offset"
        if is_our_server "$pid"; then kill_and_wait "$pid"; fi
        rm -f "$PID_FILE"
        exit 1
    fi
    # Sanity check that the pid we recorded is the JVM itself (see setsid note).
    is_our_server "$pid" || die "recorded pid $pid is not the server process"
    log "started in $((SECONDS - t0))s (pid $pid)"
    write_env "$port"
    echo "bolt://127.0.0.1:$port"
}

cmd_init() {
    lock_to_provision
    local pid port
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        # its port is taken by itself: provisioning now would move the port under it
        log "running (pid $pid): nothing to prepare"
        return 0
    fi
    port="$(provision)"
    log "prepared $STATE_DIR for 127.0.0.1:$port"
}

cmd_stop() {
    need flock
    take_lock
    local pid
    pid="$(read_pid)"
    if [[ -z "$pid" ]] || ! is_our_server "$pid"; then
        log "not running"
        rm -f "$PID_FILE"
        return 0
    fi
    log "stopping pid $pid"
    kill_and_wait "$pid"
    rm -f "$PID_FILE"
    log "stopped"
}

cmd_status() {
    need python3
    local pid port=""
    pid="$(read_pid)"
    [[ -s "$PORT_FILE" ]] && port="$(tr -dc '0-9' <"$PORT_FILE")"
    if [[ -n "$pid" && -n "$port" ]] && is_our_server "$pid" && bolt_answers "$port"; then
        echo "running: pid $pid, bolt://127.0.0.1:$port"
        return 0
    fi
    if [[ -n "$pid" ]] && is_our_server "$pid"; then
        echo "not answering (pid $pid is alive but Bolt does not respond)"
    else
        echo "not running"
    fi
    return 1
}

case "${1:-}" in
    start) cmd_start ;;
    init) cmd_init ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 {start|init|stop|status}" >&2; exit 2 ;;
esac

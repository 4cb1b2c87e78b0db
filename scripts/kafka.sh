#!/usr/bin/env bash
# A real, single-node Apache Kafka broker (KRaft, combined broker + controller) for tests and CI,
# without Docker: the broker's jars come from Maven Central through kafka/pom.xml and run on Java 17.
#
#   bash scripts/kafka.sh start            resolve jars (once), format storage (once), start, wait until ready
#   bash scripts/kafka.sh stop [--clean]   SIGTERM (SIGKILL after KAFKA_STOP_TIMEOUT s), wait for the ports to close;
#                                          --clean also deletes the broker's data
#   bash scripts/kafka.sh restart          stop (keeping the data) + start
#   bash scripts/kafka.sh status           exit 0 if running and serving, 1 if running but not serving, 3 if stopped
#
# Everything lives in .kafka/ at the project root (gitignored): libs/ (jar cache), data/ (log.dirs),
# server.properties, log4j.properties, kafka.pid, kafka.log (broker output; the previous run's is kafka.log.1).
#
# Environment:
#   KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093)  listener ports on 127.0.0.1
#   KAFKA_READY_TIMEOUT (90)   seconds `start` waits for the broker to serve clients
#   KAFKA_STOP_TIMEOUT (30)    seconds `stop` waits after SIGTERM before SIGKILL
#   KAFKA_HEAP_OPTS (-Xmx512m), KAFKA_JVM_OPTS (extra JVM options), JAVA_HOME, MAVEN_ARGS (extra mvn arguments)
#   KAFKA_STATE_DIR            overrides .kafka/ (e.g. for a second broker on other ports)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m}"

STATE_DIR="${KAFKA_STATE_DIR:-$ROOT/.kafka}"
POM="$ROOT/kafka/pom.xml"
TEMPLATE="$ROOT/kafka/server.properties.template"
LIBS="$STATE_DIR/libs"
DATA="$STATE_DIR/data"
CONFIG="$STATE_DIR/server.properties"
LOG4J="$STATE_DIR/log4j.properties"
PID_FILE="$STATE_DIR/kafka.pid"
LOG_FILE="$STATE_DIR/kafka.log"
CLUSTER_ID_FILE="$STATE_DIR/cluster.id"
LOCK_FILE="$STATE_DIR/.lock"

JAVA="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; fi

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now_ms() { date +%s%3N; }

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---- process helpers ---------------------------------------------------------------------------

# True if $1 is a live (non-zombie) process.
pid_alive() {
  local pid="$1" state
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    # Field 3 of /proc/PID/stat is the state; the command name (field 2) may contain spaces, so cut after ')'.
    state="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" || state=""
    [[ "$state" != "Z" ]] || return 1
  fi
  return 0
}

# True if $1 is a live process of this broker (guards against a stale pid file and pid reuse).
is_our_broker() {
  local pid="$1" args
  pid_alive "$pid" || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    args="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  else
    args="$(ps -p "$pid" -o args= 2>/dev/null)" || return 1
  fi
  [[ "$args" == *kafka.Kafka* && "$args" == *"$STATE_DIR"* ]]
}

# Prints the broker's pid and returns 0 if it is running; removes a stale pid file.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  if [[ -n "$pid" ]] && is_our_broker "$pid"; then
    echo "$pid"
    return 0
  fi
  rm -f "$PID_FILE"
  return 1
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null
}

wait_ports_closed() {
  local deadline=$(( $(date +%s) + ${1:-15} ))
  while port_open "$KAFKA_PORT" || port_open "$KAFKA_CONTROLLER_PORT"; do
    if (( $(date +%s) >= deadline )); then
      log "WARNING: port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT still accepts connections (another process?)"
      return 1
    fi
    sleep 0.2
  done
}

node_ready() {
  command -v node >/dev/null 2>&1 || die "node is not on PATH (needed for scripts/kafka-ready.mjs)"
  [[ -d "$ROOT/node_modules/kafkajs" ]] || die "kafkajs is not installed in $ROOT/node_modules: run 'npm ci' first"
  node "$SCRIPT_DIR/kafka-ready.mjs" --brokers "$KAFKA_HOST:$KAFKA_PORT" "$@"
}

# ---- start -------------------------------------------------------------------------------------

resolve_libs() {
  local want have=""
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  [[ -f "$LIBS/.pom.sha256" ]] && have="$(cat "$LIBS/.pom.sha256")"
  if [[ "$want" == "$have" ]] && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn (Maven) is not on PATH: it is needed once to fetch Kafka's jars into $LIBS"
  log "resolving Kafka's jars with Maven into $LIBS (first start only) ..."
  local t0 tmp
  t0="$(now_ms)"
  tmp="$STATE_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  # Batch mode, quiet, no stdin (CI). Maven 3.8 still prints bare colour-reset codes with -q: strip them.
  # shellcheck disable=SC2086 # MAVEN_ARGS is a list of extra arguments on purpose
  if ! mvn -B -q -Dstyle.color=never ${MAVEN_ARGS:-} -f "$POM" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" </dev/null 2>&1 \
      | sed -e $'s/\x1b\\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2; then
    rm -rf "$tmp"
    die "Maven could not resolve Kafka's jars (see its output above)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "Maven ran but copied no kafka_2.13 jar into $tmp"; }
  echo "$want" >"$tmp/.pom.sha256"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  log "resolved $(find "$LIBS" -name '*.jar' | wc -l) jars in $(( ($(now_ms) - t0) / 1000 )) s"
}

render_config() {
  [[ -f "$TEMPLATE" ]] || die "missing $TEMPLATE"
  local esc_data
  esc_data="$(printf '%s' "$DATA" | sed 's/[&|\\]/\\&/g')"
  sed -e "s|@KAFKA_HOST@|$KAFKA_HOST|g" \
      -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
      -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@KAFKA_DATA_DIR@|$esc_data|g" \
      "$TEMPLATE" >"$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"

  cat >"$LOG4J" <<'EOF'
# Written by scripts/kafka.sh: the broker logs to stdout, which kafka.sh sends to .kafka/kafka.log.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN
log4j.logger.kafka.server.KafkaConfig=WARN
log4j.logger.org.apache.kafka.raft=WARN
log4j.logger.org.apache.kafka.metadata=WARN
log4j.logger.org.apache.kafka.controller=WARN
log4j.logger.org.apache.kafka.image=WARN
log4j.logger.kafka.coordinator=WARN
log4j.logger.state.change.logger=WARN
EOF
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then
    return 0
  fi
  local cluster_id
  if [[ -s "$CLUSTER_ID_FILE" ]]; then
    cluster_id="$(cat "$CLUSTER_ID_FILE")"
  else
    cluster_id="$("$JAVA" -cp "$LIBS/*" -Dlog4j.configuration="file:$LOG4J" kafka.tools.StorageTool random-uuid 2>>"$LOG_FILE" | tail -n1)" \
      || die "kafka.tools.StorageTool random-uuid failed (see $LOG_FILE)"
    [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing"
    echo "$cluster_id" >"$CLUSTER_ID_FILE"
  fi
  log "formatting $DATA (cluster id $cluster_id)"
  mkdir -p "$DATA"
  "$JAVA" -cp "$LIBS/*" -Dlog4j.configuration="file:$LOG4J" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$CONFIG" --ignore-formatted >>"$LOG_FILE" 2>&1 \
    || { tail -n 20 "$LOG_FILE" >&2; die "formatting the storage failed (see $LOG_FILE)"; }
}

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java is not on PATH (Kafka needs Java 11+, 17 recommended); set JAVA_HOME or install a JDK/JRE"
  local version major
  version="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${version%%.*}"
  [[ "$major" == "1" ]] && major="$(echo "$version" | cut -d. -f2)"
  if [[ "$major" =~ ^[0-9]+$ ]] && (( major < 11 )); then
    die "Kafka needs Java 11 or newer; $JAVA is $version"
  fi
}

do_start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
    node_ready --timeout "$KAFKA_READY_TIMEOUT" --pid "$pid" --log "$LOG_FILE"
    return
  fi
  local t0
  t0="$(now_ms)"
  check_java
  if port_open "$KAFKA_PORT" || port_open "$KAFKA_CONTROLLER_PORT"; then
    die "port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT on $KAFKA_HOST is already in use by another process; set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
  fi
  resolve_libs
  if [[ -s "$LOG_FILE" ]]; then mv -f "$LOG_FILE" "$LOG_FILE.1"; fi
  : >"$LOG_FILE"
  render_config
  format_storage

  log "starting Kafka on $KAFKA_HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT), log $LOG_FILE"
  rm -f "$PID_FILE"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  # The broker gets its own session (so it outlives the caller's process group and terminal), no stdin,
  # and not the lock's file descriptor 9. The inner shell writes its own pid, then execs java in place.
  # shellcheck disable=SC2086,SC2016 # KAFKA_*_OPTS are lists of options; the inner script is single-quoted on purpose
  "${launcher[@]}" nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' kafka-launch "$PID_FILE" \
    "$JAVA" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j.configuration="file:$LOG4J" -Dkafka.logs.dir="$STATE_DIR/logs" \
    ${KAFKA_JVM_OPTS:-} -cp "$LIBS/*" kafka.Kafka "$CONFIG" \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &

  local waited=0
  until [[ -s "$PID_FILE" ]]; do
    sleep 0.1
    waited=$((waited + 1))
    (( waited < 100 )) || die "the broker process did not start (no pid file after 10 s); see $LOG_FILE"
  done
  pid="$(tr -dc '0-9' <"$PID_FILE")"

  if ! node_ready --timeout "$KAFKA_READY_TIMEOUT" --pid "$pid" --log "$LOG_FILE"; then
    log "the broker did not become ready; stopping it"
    stop_pid "$pid" || true
    rm -f "$PID_FILE"
    exit 1
  fi
  log "started (pid $pid) in $(( ($(now_ms) - t0) / 1000 )) s"
}

# ---- stop --------------------------------------------------------------------------------------

stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + KAFKA_STOP_TIMEOUT ))
  while pid_alive "$pid"; do
    if (( $(date +%s) >= deadline )); then
      log "still running ${KAFKA_STOP_TIMEOUT} s after SIGTERM: sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(( $(date +%s) + 10 ))
      while pid_alive "$pid"; do
        (( $(date +%s) < deadline )) || die "process $pid survived SIGKILL"
        sleep 0.1
      done
      break
    fi
    sleep 0.2
  done
}

do_stop() {
  local clean="$1" pid
  if pid="$(running_pid)"; then
    log "stopping Kafka (pid $pid)"
    local t0
    t0="$(now_ms)"
    stop_pid "$pid"
    rm -f "$PID_FILE"
    wait_ports_closed 15 || true
    log "stopped in $(( ($(now_ms) - t0) / 1000 )) s"
  else
    log "not running"
  fi
  if [[ "$clean" == "1" ]]; then
    log "removing the broker's data ($DATA)"
    rm -rf "$DATA" "$CLUSTER_ID_FILE"
  fi
}

# ---- status ------------------------------------------------------------------------------------

do_status() {
  local pid
  if pid="$(running_pid)"; then
    if node_ready --timeout 5 --once --quiet; then
      echo "running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT, serving clients"
      return 0
    fi
    echo "running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT, but not serving clients yet; see $LOG_FILE"
    return 1
  fi
  echo "stopped"
  return 3
}

# ---- main --------------------------------------------------------------------------------------

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift || true
clean=0
for arg in "$@"; do
  case "$arg" in
    --clean) [[ "$cmd" == "stop" ]] || die "--clean only goes with stop"; clean=1 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

mkdir -p "$STATE_DIR"

# start/stop/restart are serialized (two test workers calling `start` at once get one broker).
lock() {
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w 300 9 || die "timed out waiting for another kafka.sh to finish ($LOCK_FILE)"
  fi
}

case "$cmd" in
  start) lock; do_start ;;
  stop) lock; do_stop "$clean" ;;
  restart) lock; do_stop 0; do_start ;;
  status) do_status ;;
  -h|--help|help) usage ;;
  *) log "unknown command: $cmd"; usage ;;
esac

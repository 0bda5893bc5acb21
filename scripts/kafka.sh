#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) on 127.0.0.1,
# from Maven Central jars; no Docker, no Kafka distribution tarball.
#
#   bash scripts/kafka.sh start|stop|status|restart|kill9|logs [lines|-f]
#
# Environment:
#   HEXSTREAM_KAFKA_HOME           jars + generated files   (default <repo>/.cache/kafka)
#   HEXSTREAM_KAFKA_PORT           broker listener port      (default 9092; controller = port+1)
#   HEXSTREAM_KAFKA_DATA           data dir (config, logs, pid) (default $HEXSTREAM_KAFKA_HOME/data-<port>)
#   HEXSTREAM_KAFKA_START_TIMEOUT  seconds to wait for the broker to answer (default 90)
#   JAVA_HOME                      if set, $JAVA_HOME/bin/java is used
#
# All chatter goes to stderr. stdout carries only `status`'s one line and `logs`' log text.
# Exit codes: 0 ok, 1 failure, 2 usage, 3 `status` says stopped, 4 `status` says busy: this data
# dir's broker is not running but another process (another broker, any server) serves the port,
# so `start` with these settings would fail with "port busy".
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
POM="$REPO_DIR/scripts/kafka/pom.xml"
LOG4J="$REPO_DIR/scripts/kafka/log4j2.properties"

KAFKA_HOME_DIR="${HEXSTREAM_KAFKA_HOME:-$REPO_DIR/.cache/kafka}"
PORT="${HEXSTREAM_KAFKA_PORT:-9092}"
START_TIMEOUT="${HEXSTREAM_KAFKA_START_TIMEOUT:-90}"

say() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { printf 'kafka.sh: error: %s\n' "$*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT >= 1 && PORT < 65535 )) \
  || die "HEXSTREAM_KAFKA_PORT must be a port number below 65535 (got '$PORT')"
[[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "HEXSTREAM_KAFKA_START_TIMEOUT must be whole seconds (got '$START_TIMEOUT')"
CONTROLLER_PORT=$((PORT + 1))

# Absolute and symlink-free: the data path is part of the broker's command line, which is how
# stray processes are found (pgrep -f), so it must be spelled the same way every time.
KAFKA_HOME_DIR="$(realpath -m -- "$KAFKA_HOME_DIR")"
DATA_DIR="$(realpath -m -- "${HEXSTREAM_KAFKA_DATA:-$KAFKA_HOME_DIR/data-$PORT}")"

LIBS="$KAFKA_HOME_DIR/libs"
PROPS="$DATA_DIR/server.properties"
PID_FILE="$DATA_DIR/kafka.pid"
SERVER_LOG="$DATA_DIR/server.log"
OUT_LOG="$DATA_DIR/kafka.out"
TOOLS_LOG4J="$KAFKA_HOME_DIR/tools-log4j2.properties"

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
[[ -n "$KAFKA_VERSION" ]] || die "cannot read <kafka.version> from $POM"

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    command -v java
  else
    die "java not found: install a JDK/JRE 17+ (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
  fi
}

# ---------------------------------------------------------------- jars

libs_marker_text() {
  printf 'kafka %s pom-sha256 %s\n' "$KAFKA_VERSION" "$(sha256sum "$POM" | cut -d' ' -f1)"
}

ensure_libs() {
  local marker="$LIBS/.hexstream-kafka-installed"
  local want; want="$(libs_marker_text)"
  if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then return 0; fi
  (
    flock -w 600 9 || die "timed out waiting for another kafka.sh to finish fetching jars ($KAFKA_HOME_DIR/.libs.lock)"
    if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then exit 0; fi
    command -v mvn >/dev/null 2>&1 \
      || die "mvn not found: install Maven 3.8+ (e.g. apt-get install maven); it fetches Kafka $KAFKA_VERSION jars from Maven Central"
    local tmp="$KAFKA_HOME_DIR/libs.tmp.$$" mvn_log="$KAFKA_HOME_DIR/mvn.log" t0=$SECONDS
    rm -rf "$tmp"
    say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS (once) ..."
    if ! mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
      rm -rf "$tmp"
      tail -n 30 "$mvn_log" >&2 || true
      die "mvn failed to fetch Kafka $KAFKA_VERSION jars (full output: $mvn_log); is Maven Central reachable?"
    fi
    [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "mvn ran but kafka_2.13-$KAFKA_VERSION.jar is missing from $tmp"; }
    printf '%s' "$want" >"$tmp/.hexstream-kafka-installed"
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
    say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars, $(du -sh "$LIBS" | cut -f1), in $((SECONDS - t0)) s"
  ) 9>"$KAFKA_HOME_DIR/.libs.lock"
}

write_tools_log4j() {
  # The helper JVMs (StorageTool, readiness probe) only need to say what went wrong.
  cat >"$TOOLS_LOG4J" <<'EOF'
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ERROR
rootLogger.appenderRef.stderr.ref = stderr
EOF
}

run_tool() { # run_tool <main class> args...
  "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIBS/*" "$@"
}

# ---------------------------------------------------------------- config + format

write_config() {
  cat >"$PROPS" <<EOF
# Written by scripts/kafka.sh on every start; edits here are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR/logs

# single node
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
num.partitions=1
auto.create.topics.enable=false
# After a kill -9 the restarted controller still holds the dead broker's registration and turns
# the new one away until that session expires (default 9 s, plus registration back-off ~ 19 s
# in all). 3 s brings a crash restart down to 7-10 s; heartbeats stay 3 per session.
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=1000

# 10 MB records must fit
message.max.bytes=10485760
replica.fetch.max.bytes=10485760
EOF
}

ensure_formatted() {
  [[ -f "$DATA_DIR/logs/meta.properties" ]] && return 0
  local cluster_id
  cluster_id="$(run_tool kafka.tools.StorageTool random-uuid 2>>"$OUT_LOG" | tail -n 1)" \
    || die "kafka.tools.StorageTool random-uuid failed (see $OUT_LOG)"
  [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing (see $OUT_LOG)"
  if ! run_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" >>"$OUT_LOG" 2>&1; then
    tail -n 20 "$OUT_LOG" >&2 || true
    die "kafka.tools.StorageTool format failed for $DATA_DIR/logs (see $OUT_LOG)"
  fi
  say "formatted $DATA_DIR/logs (cluster id $cluster_id)"
}

# ---------------------------------------------------------------- processes

# Regex for this broker's command line; escapes the path's regex metacharacters (e.g. '.cache').
broker_pattern() {
  printf 'kafka\\.Kafka %s' "$(printf '%s' "$PROPS" | sed 's/[][\.*^$+?(){}|]/\\&/g')"
}

stray_pids() { pgrep -f -- "$(broker_pattern)" || true; }

# The pid of this data dir's broker if it is alive, else nothing (and a stale pid file is removed).
live_pid() {
  local pid=""
  if [[ -f "$PID_FILE" ]]; then
    pid="$(tr -dc '0-9' <"$PID_FILE")"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      local cmdline; cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
      if [[ "$cmdline" == *"kafka.Kafka $PROPS"* ]]; then printf '%s\n' "$pid"; return 0; fi
    fi
    rm -f "$PID_FILE"
  fi
  # Started by hand or pid file lost: adopt the process that runs this data dir's config.
  pid="$(stray_pids)"; pid="${pid%%$'\n'*}"
  if [[ -n "$pid" ]]; then printf '%s\n' "$pid" >"$PID_FILE"; printf '%s\n' "$pid"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Ready = the broker serves requests and lists itself (id 1) in metadata. A KRaft broker
# answers ApiVersions a moment before it is unfenced; fenced brokers are left out of the
# metadata the probe prints, so "(id: 1 " means topics can be created and written.
broker_ready() {
  local out
  out="$(timeout 20 "$JAVA" -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
          -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIBS/*" \
          org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$PORT" 2>/dev/null)" || return 1
  grep -q '(id: 1 ' <<<"$out"
}

show_log_tail() {
  local f
  for f in "$OUT_LOG" "$SERVER_LOG"; do
    [[ -s "$f" ]] || continue
    printf -- '--- last lines of %s ---\n' "$f" >&2
    tail -n 25 "$f" >&2 || true
  done
}

wait_ready() { # wait_ready <pid>
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      show_log_tail
      die "broker process $pid exited during startup (data dir $DATA_DIR)"
    fi
    if port_in_use "$PORT" && broker_ready; then return 0; fi
    sleep 0.5
  done
  show_log_tail
  die "timeout: broker on 127.0.0.1:$PORT did not answer within ${START_TIMEOUT} s (pid $pid left running; 'kafka.sh logs' shows why, 'kafka.sh stop' ends it)"
}

kill_all() { # kill_all <signal> : the pid file's process and any stray broker on this data dir
  local sig="$1" pid
  for pid in $(live_pid) $(stray_pids); do kill "-$sig" "$pid" 2>/dev/null || true; done
}

any_alive() { [[ -n "$(live_pid)$(stray_pids)" ]]; }

# ---------------------------------------------------------------- commands

do_start() {
  local pid p
  JAVA="$(java_bin)"
  pid="$(live_pid)"
  if [[ -n "$pid" ]]; then
    say "already running (pid $pid, 127.0.0.1:$PORT, data $DATA_DIR)"
    # Never re-fetch under a running broker; the jars it was started with are good for the probe.
    [[ -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]] || ensure_libs
    write_tools_log4j
    wait_ready "$pid"
    return 0
  fi
  for p in "$PORT" "$CONTROLLER_PORT"; do
    if port_in_use "$p"; then
      die "port busy: something else listens on 127.0.0.1:$p (see: ss -ltnp 'sport = :$p'); choose another HEXSTREAM_KAFKA_PORT"
    fi
  done
  ensure_libs
  write_tools_log4j
  write_config
  : >"$OUT_LOG"
  ensure_formatted

  local t0=$SECONDS
  # setsid: own session, so Ctrl-C in the caller's terminal or jest's process-group kill leaves
  # the broker alone; the inner bash records its own pid and execs java, so the pid file is java's.
# 8>&-: the broker must not inherit (and hold forever) this script's lock on the data dir.
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    "$JAVA" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dkafka.logs.dir="$DATA_DIR" -Dlog4j2.configurationFile="$LOG4J" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" >>"$OUT_LOG" 2>&1 </dev/null 8>&- &
  local i
  for i in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  pid="$(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || { show_log_tail; die "broker process did not start (no pid in $PID_FILE)"; }
  say "starting broker (pid $pid) on 127.0.0.1:$PORT, controller 127.0.0.1:$CONTROLLER_PORT, data $DATA_DIR ..."
  wait_ready "$pid"
  say "broker ready on 127.0.0.1:$PORT in $((SECONDS - t0)) s (pid $pid)"
}

do_stop() {
  if ! any_alive; then
    rm -f "$PID_FILE"
    say "not running (data $DATA_DIR)"
    return 0
  fi
  say "stopping broker (pid $(live_pid)) ..."
  kill_all TERM
  local deadline=$((SECONDS + 30))
  while any_alive && (( SECONDS < deadline )); do sleep 0.25; done
  if any_alive; then
    say "broker did not stop within 30 s; sending SIGKILL"
    kill_all KILL
    deadline=$((SECONDS + 10))
    while any_alive && (( SECONDS < deadline )); do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  if [[ -n "$(stray_pids)" ]]; then die "a broker process for $DATA_DIR survived SIGKILL: $(stray_pids | tr '\n' ' ')"; fi
  say "stopped"
}

do_kill9() {
  if ! any_alive; then rm -f "$PID_FILE"; say "not running (data $DATA_DIR)"; return 0; fi
  kill_all KILL
  local deadline=$((SECONDS + 10))
  while any_alive && (( SECONDS < deadline )); do sleep 0.1; done
  rm -f "$PID_FILE"
  [[ -z "$(stray_pids)" ]] || die "a broker process for $DATA_DIR survived SIGKILL"
  say "killed with SIGKILL"
}

do_status() {
  local pid; pid="$(live_pid)"
  if [[ -n "$pid" ]]; then
    printf 'running (pid %s, 127.0.0.1:%s, data %s)\n' "$pid" "$PORT" "$DATA_DIR"
    return 0
  fi
  if port_in_use "$PORT"; then
    printf 'busy (127.0.0.1:%s is served by another process, not by the broker of data %s; see: ss -ltnp '"'"'sport = :%s'"'"')\n' "$PORT" "$DATA_DIR" "$PORT"
    return 4
  fi
  printf 'stopped (127.0.0.1:%s, data %s)\n' "$PORT" "$DATA_DIR"
  return 3
}

do_logs() {
  local arg="${1:-200}"
  [[ -f "$SERVER_LOG" || -f "$OUT_LOG" ]] || die "no logs yet in $DATA_DIR"
  if [[ "$arg" == "-f" ]]; then exec tail -n 50 -F "$SERVER_LOG"; fi
  [[ "$arg" =~ ^[0-9]+$ ]] || die "usage: kafka.sh logs [lines|-f]"
  if [[ -s "$OUT_LOG" ]]; then printf -- '--- %s ---\n' "$OUT_LOG"; tail -n "$arg" "$OUT_LOG"; fi
  if [[ -f "$SERVER_LOG" ]]; then printf -- '--- %s ---\n' "$SERVER_LOG"; tail -n "$arg" "$SERVER_LOG"; fi
}

do_restart() { do_stop; do_start; }

# start/stop/restart/kill9 on one data dir never interleave.
with_lock() {
  mkdir -p "$KAFKA_HOME_DIR" || die "cannot create HEXSTREAM_KAFKA_HOME $KAFKA_HOME_DIR"
  mkdir -p "$DATA_DIR" || die "cannot create data dir $DATA_DIR"
  exec 8>"$DATA_DIR/.kafka.sh.lock"
  flock -w 180 8 || die "timed out waiting for another kafka.sh on $DATA_DIR ($DATA_DIR/.kafka.sh.lock)"
  "$@"
}

JAVA=""
cmd="${1:-}"
case "$cmd" in
  start)   with_lock do_start ;;
  stop)    with_lock do_stop ;;
  restart) with_lock do_restart ;;
  kill9)   with_lock do_kill9 ;;
  status)  do_status ;;
  logs)    do_logs "${2:-}" ;;
  *)       printf 'usage: bash scripts/kafka.sh start|stop|status|restart|kill9|logs [lines|-f]\n' >&2; exit 2 ;;
esac

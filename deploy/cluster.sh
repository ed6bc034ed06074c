#!/usr/bin/env bash
# A local Tandem cluster on 127.0.0.1: a primary, two replicas and three sentinels (quorum 2).
#
#   deploy/cluster.sh start [--background]   start it, wait until replication is online and the
#                                            sentinels agree, print the topology and the Django
#                                            settings; then stay in the foreground until Ctrl-C
#                                            (SIGINT/SIGTERM) and stop everything, or with
#                                            --background return and leave it running
#   deploy/cluster.sh status                 each server's role and offsets, each sentinel's view
#   deploy/cluster.sh failover               SENTINEL FAILOVER; waits for the switch
#   deploy/cluster.sh stop                   stop the cluster (one started with --background,
#                                            or a foreground one from another terminal)
#
# Configs come from the templates in deploy/local/. Configs, data, logs and pid files go under
# RUN_DIR (default: run/ in the checkout), one folder per process. A start begins with the roles
# of the last run: the server that was the primary when the cluster stopped is the primary again
# (its data is the most complete); the first start makes PRIMARY_PORT the primary.
#
# Environment (start records it in RUN_DIR/cluster.env, which the other commands read):
#   PRIMARY_PORT REPLICA1_PORT REPLICA2_PORT        6379 6380 6381
#   SENTINEL1_PORT SENTINEL2_PORT SENTINEL3_PORT    26379 26380 26381
#   RUN_DIR                                         <checkout>/run
#   BUILD_DIR                                       <checkout>/build/release
#   TANDEM_SERVER TANDEM_SENTINEL                   the binaries (default: under BUILD_DIR);
#                                                   redis-server / redis-sentinel work too
#   MASTER_NAME                                     mymaster
#   START_TIMEOUT FAILOVER_TIMEOUT                  seconds to wait (60, 60)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEMPLATES=$REPO/deploy/local
RUN_DIR=${RUN_DIR:-$REPO/run}
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
ENV_FILE=$RUN_DIR/cluster.env
LAST_PRIMARY_FILE=$RUN_DIR/last-primary
HOST=127.0.0.1

die() { echo "cluster.sh: $*" >&2; exit 1; }

load_settings() {
  PRIMARY_PORT=${PRIMARY_PORT:-6379}
  REPLICA1_PORT=${REPLICA1_PORT:-6380}
  REPLICA2_PORT=${REPLICA2_PORT:-6381}
  SENTINEL1_PORT=${SENTINEL1_PORT:-26379}
  SENTINEL2_PORT=${SENTINEL2_PORT:-26380}
  SENTINEL3_PORT=${SENTINEL3_PORT:-26381}
  BUILD_DIR=${BUILD_DIR:-$REPO/build/release}
  TANDEM_SERVER=${TANDEM_SERVER:-$BUILD_DIR/server/app/tandem-server}
  TANDEM_SENTINEL=${TANDEM_SENTINEL:-$BUILD_DIR/sentinel/tandem-sentinel}
  MASTER_NAME=${MASTER_NAME:-mymaster}
  START_TIMEOUT=${START_TIMEOUT:-60}
  FAILOVER_TIMEOUT=${FAILOVER_TIMEOUT:-60}
  SERVER_PORTS=("$PRIMARY_PORT" "$REPLICA1_PORT" "$REPLICA2_PORT")
  SENTINEL_PORTS=("$SENTINEL1_PORT" "$SENTINEL2_PORT" "$SENTINEL3_PORT")
}

save_settings() {
  local name
  : >"$ENV_FILE"
  for name in PRIMARY_PORT REPLICA1_PORT REPLICA2_PORT SENTINEL1_PORT SENTINEL2_PORT \
      SENTINEL3_PORT TANDEM_SERVER TANDEM_SENTINEL MASTER_NAME; do
    printf '%s=%q\n' "$name" "${!name}" >>"$ENV_FILE"
  done
}

# The commands after start use the settings the running cluster was started with.
load_recorded_settings() {
  [[ -f $ENV_FILE ]] || die "no cluster was started in $RUN_DIR (no cluster.env)"
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  load_settings
}

# ---- talking to the nodes (every call bounded) ----

cli() {  # cli <port> <command...>: the reply, one line per element, without \r
  timeout 3 redis-cli -h "$HOST" -p "$1" "${@:2}" 2>/dev/null | tr -d '\r' || true
}

info_field() {  # info_field <port> <field>: from INFO replication
  cli "$1" INFO replication | sed -n "s/^$2://p"
}

field_of() {  # field_of <field>: from a flat name/value reply on stdin (SENTINEL MASTER)
  awk -v f="$1" 'NR % 2 == 1 { k = $0 } NR % 2 == 0 && k == f { print; exit }'
}

sentinel_primary_port() {  # the port a sentinel names as primary (empty if it does not answer)
  cli "$1" SENTINEL GET-MASTER-ADDR-BY-NAME "$MASTER_NAME" | sed -n 2p
}

# The primary according to the sentinels (the first that answers), else the server reporting
# role:master; empty when nothing answers. (Explicit `return 0`s: called from a trap, a bare
# `return` would return the status of the command the trap interrupted.)
current_primary() {
  local port answer
  for port in "${SENTINEL_PORTS[@]}"; do
    answer=$(sentinel_primary_port "$port")
    [[ -n $answer ]] && { echo "$answer"; return 0; }
  done
  for port in "${SERVER_PORTS[@]}"; do
    [[ $(info_field "$port" role) == master ]] && { echo "$port"; return 0; }
  done
  return 0
}

port_in_use() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

STARTING=0  # while set, wait_for gives up as soon as a process of the cluster exits

wait_for() {  # wait_for <what> <seconds> <command...>: polls every 0.2 s, bounded
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "cluster.sh: timed out waiting for $what" >&2
      return 1
    fi
    if ((STARTING)); then check_processes_alive || return 1; fi
    sleep 0.2
  done
}

# ---- processes (pid files under RUN_DIR/<node>/pid; stopped by pid only) ----

server_dir() { echo "$RUN_DIR/server-$1"; }
sentinel_dir() { echo "$RUN_DIR/sentinel-$1"; }

all_dirs() {
  local port
  for port in "${SENTINEL_PORTS[@]}"; do sentinel_dir "$port"; done
  for port in "${SERVER_PORTS[@]}"; do server_dir "$port"; done
}

# Entries "<node> <pid> <binary>" name the processes: a pid counts as ours only while its command
# line still names the binary (a recycled pid is not ours). start keeps the entries of what it
# started in STARTED as well as in <node dir>/pid, so a foreground start stops its processes even
# if their pid files are lost.
STARTED=()

entry_alive() {  # entry_alive <node> <pid> <binary>
  [[ -n ${2:-} ]] && kill -0 "$2" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null | grep -qF -- "$(basename "$3")"
}

recorded_pid_alive() {  # recorded_pid_alive <node dir>
  local node pid binary
  [[ -f $1/pid ]] || return 1
  read -r node pid binary <"$1/pid"
  entry_alive "$node" "$pid" "$binary"
}

recorded_entries() {  # one entry per pid file, sentinels first
  local dir
  for dir in $(all_dirs); do
    [[ -f $dir/pid ]] && head -n 1 "$dir/pid"
  done
  return 0
}

check_processes_alive() {
  local dir
  for dir in $(all_dirs); do
    if [[ -f $dir/pid ]] && ! recorded_pid_alive "$dir"; then
      echo "cluster.sh: the process of $(basename "$dir") exited; its log ends with:" >&2
      tail -n 15 "$dir"/*.log >&2 || true
      return 1
    fi
  done
}

# spawn <dir> <log> <command...>: runs it in its own session, so that a Ctrl-C reaches only this
# script, which then stops the nodes in order; returns once the pid runs the binary (not the
# forked shell any more), so that entry_alive recognises it.
spawn() {
  local dir=$1 log=$2 tries=0 entry
  shift 2
  setsid "$@" >>"$dir/$log" 2>&1 </dev/null &
  entry="$(basename "$dir") $! $1"
  echo "$entry" >"$dir/pid"
  STARTED+=("$entry")
  until recorded_pid_alive "$dir" || ((++tries > 50)); do sleep 0.02; done
}

fill_template() {  # fill_template <template> <NAME=value>...
  local text name
  text=$(<"$1")
  shift
  for name in "$@"; do
    text=${text//@${name%%=*}@/${name#*=}}
  done
  printf '%s\n' "$text"
}

start_server() {  # start_server <port> [<primary port>]
  local dir
  dir=$(server_dir "$1")
  mkdir -p "$dir"
  fill_template "$TEMPLATES/server.conf" "PORT=$1" "DIR=$dir" >"$dir/server.conf"
  [[ -n ${2:-} ]] && echo "replicaof $HOST $2" >>"$dir/server.conf"
  spawn "$dir" server.log "$TANDEM_SERVER" "$dir/server.conf"
}

start_sentinel() {  # start_sentinel <port> <primary port>
  local dir args=()
  dir=$(sentinel_dir "$1")
  mkdir -p "$dir"
  # A start begins from the generated config: forget what the last run learned.
  rm -f "$dir/sentinel-state.pb"
  fill_template "$TEMPLATES/sentinel.conf" "PORT=$1" "DIR=$dir" "NAME=$MASTER_NAME" \
    "PRIMARY_PORT=$2" >"$dir/sentinel.conf"
  case $(basename "$TANDEM_SENTINEL") in
    redis-server | redis-sentinel) args=(--sentinel) ;;
  esac
  spawn "$dir" sentinel.log "$TANDEM_SENTINEL" "$dir/sentinel.conf" "${args[@]}"
}

# Stops the processes of the pid files and of STARTED: sentinels first (so that none fails over
# while the servers go down), then the servers; SIGTERM, SIGKILL after 10 s. Records the primary
# first, for the next start.
stop_all() {
  local primary entry node pid binary deadline group stopping=() entries=()
  primary=$(current_primary)
  [[ -n $primary ]] && echo "$primary" >"$LAST_PRIMARY_FILE"
  mapfile -t entries < <(recorded_entries)
  entries+=("${STARTED[@]}")
  for group in sentinel server; do
    stopping=()
    for entry in "${entries[@]}"; do
      read -r node pid binary <<<"$entry"
      [[ $node == "$group"-* ]] || continue
      entry_alive "$node" "$pid" "$binary" || continue
      kill -CONT "$pid" 2>/dev/null || true  # a node held with SIGSTOP must see the SIGTERM
      kill -TERM "$pid" 2>/dev/null || true
      stopping+=("$entry")
    done
    deadline=$((SECONDS + 10))
    for entry in "${stopping[@]}"; do
      read -r node pid binary <<<"$entry"
      while entry_alive "$node" "$pid" "$binary" && ((SECONDS < deadline)); do sleep 0.1; done
      if entry_alive "$node" "$pid" "$binary"; then
        echo "cluster.sh: $node ignored SIGTERM for 10 s, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
  done
  for node in $(all_dirs); do rm -f "$node/pid"; done
}

any_started_alive() {
  local entry node pid binary
  for entry in "${STARTED[@]}"; do
    read -r node pid binary <<<"$entry"
    entry_alive "$node" "$pid" "$binary" && return 0
  done
  return 1
}

# ---- readiness ----

replicas_online() {  # replicas_online <primary port>: both replicas report their link up
  local port
  for port in "${SERVER_PORTS[@]}"; do
    [[ $port == "$1" ]] && continue
    [[ $(info_field "$port" master_port) == "$1" ]] || return 1
    [[ $(info_field "$port" master_link_status) == up ]] || return 1
  done
  [[ $(cli "$1" INFO replication | grep -c '^slave[0-9]*:.*state=online') == 2 ]]
}

sentinels_agree() {  # sentinels_agree <primary port>: each names it, sees 2 replicas + 2 others
  local port master
  for port in "${SENTINEL_PORTS[@]}"; do
    [[ $(sentinel_primary_port "$port") == "$1" ]] || return 1
    master=$(cli "$port" SENTINEL MASTER "$MASTER_NAME")
    [[ $(field_of num-slaves <<<"$master") == 2 ]] || return 1
    [[ $(field_of num-other-sentinels <<<"$master") == 2 ]] || return 1
  done
}

# ---- output ----

print_topology() {
  local port role master
  echo "Topology ($HOST, service \"$MASTER_NAME\"):"
  for port in "${SERVER_PORTS[@]}"; do
    role=$(info_field "$port" role)
    case $role in
      master)
        printf '  server   :%-5s  primary                      offset %s  replicas %s\n' "$port" \
          "$(info_field "$port" master_repl_offset)" "$(info_field "$port" connected_slaves)" ;;
      slave)
        printf '  server   :%-5s  replica of :%-5s link %-4s  offset %s\n' "$port" \
          "$(info_field "$port" master_port)" "$(info_field "$port" master_link_status)" \
          "$(info_field "$port" slave_repl_offset)" ;;
      *) printf '  server   :%-5s  not answering\n' "$port" ;;
    esac
  done
  for port in "${SENTINEL_PORTS[@]}"; do
    master=$(cli "$port" SENTINEL MASTER "$MASTER_NAME")
    if [[ -z $master ]]; then
      printf '  sentinel :%-5s  not answering\n' "$port"
      continue
    fi
    printf '  sentinel :%-5s  primary :%-5s  replicas %s  other sentinels %s  flags %s\n' "$port" \
      "$(sentinel_primary_port "$port")" "$(field_of num-slaves <<<"$master")" \
      "$(field_of num-other-sentinels <<<"$master")" "$(field_of flags <<<"$master")"
  done
}

print_django_settings() {  # print_django_settings <primary port>
  local port locations="            \"redis://$HOST:$1/0\",  # writes"$'\n' sentinels=""
  for port in "${SERVER_PORTS[@]}"; do
    [[ $port == "$1" ]] || locations+="            \"redis://$HOST:$port/0\",  # reads"$'\n'
  done
  for port in "${SENTINEL_PORTS[@]}"; do sentinels+="(\"$HOST\", $port), "; done
  cat <<EOF
Django settings (django-redis 5.2, docs/django.md), either the servers themselves (writes go to
the first, the primary now: update the list after a failover):

# --- django-redis multi-LOCATION ---
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": [
$locations        ],
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}

or the sentinels, which follow failovers (redis-py alone:
redis.sentinel.Sentinel([${sentinels%, }]).master_for("$MASTER_NAME")):

# --- django-redis SentinelClient ---
DJANGO_REDIS_CONNECTION_FACTORY = "django_redis.pool.SentinelConnectionFactory"
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://$MASTER_NAME/0",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.SentinelClient",
            "SENTINELS": [${sentinels%, }],
        },
    }
}
# --- end ---
EOF
}

# ---- commands ----

cmd_start() {
  local background=0 primary port replica_ports=() dir sleeper
  case ${1:-} in
    --background) background=1 ;;
    "") ;;
    *) die "start takes only --background" ;;
  esac
  load_settings
  command -v redis-cli >/dev/null || die "redis-cli is missing (Debian package redis-tools)"
  for binary in "$TANDEM_SERVER" "$TANDEM_SENTINEL"; do
    [[ -x $binary ]] || command -v "$binary" >/dev/null || die "$binary not found (make build)"
  done
  for dir in $(all_dirs); do
    recorded_pid_alive "$dir" &&
      die "a cluster is already running from $RUN_DIR (deploy/cluster.sh stop stops it)"
  done
  for port in "${SERVER_PORTS[@]}" "${SENTINEL_PORTS[@]}"; do
    port_in_use "$port" && die "port $port is in use (set PRIMARY_PORT etc., see the header)"
  done

  primary=$PRIMARY_PORT
  if [[ -f $LAST_PRIMARY_FILE ]]; then
    for port in "${SERVER_PORTS[@]}"; do
      [[ $(<"$LAST_PRIMARY_FILE") == "$port" ]] && primary=$port
    done
  fi
  for port in "${SERVER_PORTS[@]}"; do
    [[ $port == "$primary" ]] || replica_ports+=("$port")
  done
  save_settings
  echo "$primary" >"$LAST_PRIMARY_FILE"

  # Whatever ends this script before the cluster is handed over stops what it started.
  trap 'stop_all' EXIT
  trap 'trap - EXIT; echo; echo "Stopping the cluster..."; stop_all; echo "Stopped."; exit 0' \
    INT TERM
  echo "Starting in $RUN_DIR: primary :$primary," \
    "replicas :${replica_ports[0]} :${replica_ports[1]}," \
    "sentinels :${SENTINEL_PORTS[0]} :${SENTINEL_PORTS[1]} :${SENTINEL_PORTS[2]}"
  STARTING=1
  start_server "$primary"
  for port in "${replica_ports[@]}"; do start_server "$port" "$primary"; done
  for port in "${SENTINEL_PORTS[@]}"; do start_sentinel "$port" "$primary"; done
  if ! wait_for "both replicas online" "$START_TIMEOUT" replicas_online "$primary" ||
     ! wait_for "the sentinels to agree" "$START_TIMEOUT" sentinels_agree "$primary"; then
    print_topology || true
    exit 1
  fi

  STARTING=0
  print_topology
  echo
  print_django_settings "$primary"
  echo
  echo "Data, configs and logs: $RUN_DIR"
  echo "From another terminal: deploy/cluster.sh status (roles, offsets) | failover | stop"
  if ((background)); then
    trap - EXIT INT TERM
    echo "Cluster ready (background): deploy/cluster.sh stop stops it."
    return 0
  fi
  echo "Cluster ready: Ctrl-C stops it."
  # Until SIGINT/SIGTERM (the trap above), or until every process it started is gone
  # (`deploy/cluster.sh stop` from elsewhere). A node that dies meanwhile (a drill) does not end it.
  while any_started_alive; do
    sleep 1 &
    sleeper=$!
    wait "$sleeper" || true
  done
  trap - EXIT INT TERM
  echo "The cluster was stopped."
}

cmd_status() {
  local dir running=0
  load_recorded_settings
  for dir in $(all_dirs); do recorded_pid_alive "$dir" && running=$((running + 1)); done
  echo "$running of 6 processes running ($RUN_DIR)"
  print_topology
  ((running > 0))
}

cmd_failover() {
  local old new reply
  load_recorded_settings
  old=$(current_primary)
  [[ -n $old ]] || die "no sentinel or server answers"
  reply=$(cli "$SENTINEL1_PORT" SENTINEL FAILOVER "$MASTER_NAME" || true)
  [[ -n $reply ]] || reply=$(cli "$SENTINEL2_PORT" SENTINEL FAILOVER "$MASTER_NAME" || true)
  [[ $reply == OK ]] || die "SENTINEL FAILOVER answered: ${reply:-nothing}"
  echo "Failover requested: old primary $HOST:$old"
  switched() {
    local port seen=""
    for port in "${SENTINEL_PORTS[@]}"; do
      port=$(sentinel_primary_port "$port")
      [[ -n $port && $port != "$old" ]] || return 1
      [[ -z $seen || $seen == "$port" ]] || return 1
      seen=$port
    done
    [[ $(info_field "$seen" role) == master ]] && new=$seen
  }
  wait_for "the sentinels to agree on a new primary" "$FAILOVER_TIMEOUT" switched || exit 1
  echo "New primary: $HOST:$new (old $HOST:$old)"
  echo "$new" >"$LAST_PRIMARY_FILE"
  wait_for "both replicas online" "$FAILOVER_TIMEOUT" replicas_online "$new" ||
    echo "cluster.sh: warning: the replicas are not all online yet" >&2
  print_topology
}

cmd_stop() {
  local dir running=0
  load_recorded_settings
  for dir in $(all_dirs); do recorded_pid_alive "$dir" && running=$((running + 1)); done
  ((running > 0)) || { echo "No cluster running in $RUN_DIR."; return 0; }
  stop_all
  echo "Stopped $running processes."
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  status) cmd_status ;;
  failover) cmd_failover ;;
  stop) cmd_stop ;;
  *) echo "usage: $0 start [--background] | status | failover | stop" >&2; exit 2 ;;
esac

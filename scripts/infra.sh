#!/usr/bin/env bash
# Provision the local infrastructure the integration tests need:
#   * a throwaway PostgreSQL cluster on a free loopback port (database "workflows"),
#   * a running Docker engine (dockerd) on /var/run/docker.sock,
#   * a tiny, locally built busybox test image (no registry access needed).
#
# Usage: scripts/infra.sh [up|env|postgres|docker|image|chromium|alpine-standin|down|status|help]
#   up (default)    ensure everything, then print the env lines
#   env             ensure everything, print ONLY the env lines on stdout
#   postgres        ensure the PostgreSQL cluster + database
#   docker          ensure dockerd is running
#   image           ensure the test image exists (implies docker)
#   chromium        ensure Debian's chromium (/usr/bin/chromium) for the dashboard's browser tests
#   alpine-standin  tag the test image as alpine:latest if that image is absent
#                   and cannot be pulled (a local busybox stand-in, NOT alpine)
#   down            stop the PostgreSQL cluster (dockerd is left running)
#   status          report what is running (never starts anything)
#
# Idempotent and non-interactive: safe to re-run; never reads stdin.
# stdout carries only the env lines; every progress/log message goes to stderr.
#
# Environment knobs:
#   WORKFLOWS_INFRA_DIR     state dir (default /var/tmp/workflows-infra)
#   WORKFLOWS_TEST_IMAGE    test image name (default workflows-test-busybox:1)
#   WORKFLOWS_PG_PORT_BASE  first port to scan for PostgreSQL (default 55432)
#   WORKFLOWS_DOCKERD_FLAGS extra dockerd flags; overrides the auto-detected ones
#   WORKFLOWS_BUSYBOX       path to a static busybox binary to use for the image
set -euo pipefail

# Keep the real stdout on fd 3 for the env lines; everything else goes to stderr.
exec 3>&1 1>&2

STATE_DIR="${WORKFLOWS_INFRA_DIR:-/var/tmp/workflows-infra}"
IMAGE="${WORKFLOWS_TEST_IMAGE:-workflows-test-busybox:1}"
PORT_BASE="${WORKFLOWS_PG_PORT_BASE:-55432}"
PORT_SCAN_COUNT=200
PG_DB=workflows
PG_SUPERUSER=postgres
DOCKER_SOCK=/var/run/docker.sock
PG_DIR="$STATE_DIR/pg"
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run"
PG_LOG="$PG_DIR/log"          # the server log file
PG_PORT_FILE="$PG_DIR/port"
DOCKERD_LOG="$STATE_DIR/dockerd.log"
DOCKERD_PID_FILE="$STATE_DIR/dockerd.pid"
DOCKERD_FLAGS_FILE="$STATE_DIR/dockerd.flags"
APT_LOG="$STATE_DIR/apt.log"
ENV_FILE="$STATE_DIR/infra.env"

# Talk to exactly the socket we advertise, whatever the caller's docker config says.
export DOCKER_HOST="unix://$DOCKER_SOCK"
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH || true
export DEBIAN_FRONTEND=noninteractive
# Make sure the sbin dirs are searched (dockerd, runuser live there).
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }

show_tail() { # file [lines]
  local f=$1 n=${2:-30}
  if [ -s "$f" ]; then
    printf '[infra] ---- last %s lines of %s ----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2 || true
    printf '[infra] ---- end of %s ----\n' "$f" >&2
  else
    log "(log $f is empty or missing)"
  fi
}

ensure_state_dir() {
  if [ ! -d "$STATE_DIR" ]; then
    mkdir -p "$STATE_DIR" 2>/dev/null || die "cannot create state dir $STATE_DIR; set WORKFLOWS_INFRA_DIR to a writable path"
    chmod 0755 "$STATE_DIR"
  elif [ -O "$STATE_DIR" ]; then
    chmod 0755 "$STATE_DIR" # must stay traversable by the postgres user
  fi
  [ -w "$STATE_DIR" ] || die "state dir $STATE_DIR is not writable by $(id -un); set WORKFLOWS_INFRA_DIR"
}

# Serialise concurrent runs. fd 9 must never leak into daemons (see spawn helpers).
take_lock() {
  if have flock; then
    exec 9>"$STATE_DIR/.lock"
    if ! flock -w 300 9; then die "timed out waiting for another infra.sh run (lock $STATE_DIR/.lock)"; fi
  fi
}

# ---------------------------------------------------------------- apt helpers
APT_UPDATED=0
apt_install() { # packages...
  is_root || die "need packages [$*] but not running as root; install them (apt-get install $*) and re-run"
  have apt-get || die "need packages [$*] but apt-get is unavailable; install them with your package manager"
  log "installing $* (log: $APT_LOG) ..."
  if [ "$APT_UPDATED" -eq 0 ]; then
    if ! apt-get update >>"$APT_LOG" 2>&1 </dev/null; then
      show_tail "$APT_LOG"
      die "apt-get update failed (see $APT_LOG)"
    fi
    APT_UPDATED=1
  fi
  if ! apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef \
      -o Dpkg::Options::=--force-confold "$@" >>"$APT_LOG" 2>&1 </dev/null; then
    show_tail "$APT_LOG"
    die "apt-get install $* failed (see $APT_LOG)"
  fi
}

# ------------------------------------------------------------------ postgres
PG_BIN=""
pick_pg_bin() {
  local v="" d
  if [ -f "$PG_DATA/PG_VERSION" ]; then v=$(cat "$PG_DATA/PG_VERSION"); fi
  if [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
    PG_BIN="/usr/lib/postgresql/$v/bin"; return
  fi
  # highest installed version
  while IFS= read -r d; do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then PG_BIN="$d"; fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4 -n)
  if [ -z "$PG_BIN" ] && have pg_ctl && have initdb; then
    PG_BIN="$(dirname "$(command -v pg_ctl)")"
  fi
  [ -n "$PG_BIN" ] || die "PostgreSQL server binaries (initdb, pg_ctl) not found; install e.g. postgresql-15"
}

# Run a command as the cluster owner: 'postgres' when we are root, else ourselves.
# Runs from / so the postgres user never trips over an unreadable cwd.
as_pg() {
  if is_root; then
    if have runuser; then
      (cd / && runuser -u "$PG_SUPERUSER" -- "$@")
    else
      local q; printf -v q '%q ' "$@"
      (cd / && su -s /bin/sh "$PG_SUPERUSER" -c "$q")
    fi
  else
    (cd / && "$@")
  fi
}

pg_owner() { if is_root; then echo "$PG_SUPERUSER"; else id -un; fi; }

port_in_use() { # port -> 0 if something listens on it (any address) or accepts on loopback
  local p=$1
  if have ss && ss -Hltn 2>/dev/null | awk '{print $4}' | grep -Eq "[:.]$p\$"; then
    return 0
  fi
  if (exec 7<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 0; fi
  return 1
}

choose_port() {
  local p stored=""
  [ -f "$PG_PORT_FILE" ] && stored=$(tr -dc 0-9 <"$PG_PORT_FILE")
  if [ -n "$stored" ] && ! port_in_use "$stored"; then echo "$stored"; return; fi
  [ -n "$stored" ] && log "stored port $stored is taken by something else; choosing another"
  for ((p = PORT_BASE; p < PORT_BASE + PORT_SCAN_COUNT; p++)); do
    [ -n "${1:-}" ] && [ "$p" = "$1" ] && continue # port that just failed
    if ! port_in_use "$p"; then echo "$p"; return; fi
  done
  die "no free TCP port in $PORT_BASE..$((PORT_BASE + PORT_SCAN_COUNT - 1)) on 127.0.0.1"
}

pg_running() { [ -f "$PG_DATA/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }
running_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc 0-9; }

pg_ready() { # port
  if have pg_isready; then
    pg_isready -q -h 127.0.0.1 -p "$1" -U "$PG_SUPERUSER" -d postgres -t 2 </dev/null
  else
    PGCONNECT_TIMEOUT=2 psql -X -q -h 127.0.0.1 -p "$1" -U "$PG_SUPERUSER" -d postgres -tAc 'select 1' >/dev/null 2>&1 </dev/null
  fi
}

wait_pg_ready() { # port
  local i
  for ((i = 0; i < 60; i++)); do # 60 x 0.5 s = 30 s
    pg_ready "$1" && return 0
    sleep 0.5
  done
  show_tail "$PG_LOG"
  die "PostgreSQL did not accept connections on 127.0.0.1:$1 within 30 s; see $PG_LOG"
}

ensure_pg_dirs() {
  local owner; owner=$(pg_owner)
  mkdir -p "$PG_DIR" "$PG_RUN"
  [ -d "$PG_DATA" ] || mkdir -m 0700 "$PG_DATA"
  chmod 0755 "$PG_DIR" "$PG_RUN"
  if is_root; then
    id "$PG_SUPERUSER" >/dev/null 2>&1 || die "user '$PG_SUPERUSER' does not exist (install the postgresql package, or run as a non-root user)"
    chown "$owner:" "$PG_DIR" "$PG_RUN"
    chown -R "$owner:" "$PG_DATA"
    [ -e "$PG_LOG" ] && chown "$owner:" "$PG_LOG"
    as_pg test -x "$PG_DIR" -a -w "$PG_DIR" ||
      die "user '$owner' cannot reach $PG_DIR (a parent directory is not traversable); set WORKFLOWS_INFRA_DIR to e.g. /var/tmp/workflows-infra"
  fi
  chmod 0700 "$PG_DATA"
}

pg_initdb() {
  if [ -f "$PG_DATA/PG_VERSION" ]; then return; fi
  if [ -n "$(ls -A "$PG_DATA" 2>/dev/null)" ]; then
    local aside; aside="$PG_DATA.broken.$(date +%Y%m%d%H%M%S)"
    log "$PG_DATA is non-empty but not a cluster; moving it to $aside"
    mv "$PG_DATA" "$aside"
    ensure_pg_dirs
  fi
  log "initdb $PG_DATA ($PG_BIN) ..."
  local out
  if ! out=$(as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --no-locale 2>&1 </dev/null); then
    printf '%s\n' "$out" >&2
    die "initdb failed"
  fi
}

pg_start() {
  local port failed=""
  for _ in 1 2 3; do
    port=$(choose_port "$failed")
    log "starting PostgreSQL on 127.0.0.1:$port (log: $PG_LOG) ..."
    # 3>&- 9>&-: the postmaster must not inherit our stdout copy or the lock fd,
    # otherwise "$(infra.sh env)" would hang until the server exits.
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 \
        -o "-p $port -k '$PG_RUN' -c listen_addresses=127.0.0.1" start \
        >/dev/null 2>&1 </dev/null 3>&- 9>&-; then
      echo "$port" >"$PG_PORT_FILE"
      PG_PORT=$port
      return 0
    fi
    if pg_running; then # pg_ctl gave up waiting but the server came up later
      PG_PORT=$(running_port); echo "$PG_PORT" >"$PG_PORT_FILE"; return 0
    fi
    if tail -n 20 "$PG_LOG" 2>/dev/null | grep -qi 'address already in use\|could not bind'; then
      log "port $port was grabbed meanwhile; retrying with another port"
      failed=$port
      continue
    fi
    break
  done
  show_tail "$PG_LOG"
  die "PostgreSQL failed to start; see $PG_LOG"
}

PG_PORT=""
ensure_postgres() {
  ensure_state_dir
  have psql || die "psql client not found; install postgresql-client"
  pick_pg_bin
  ensure_pg_dirs
  pg_initdb
  if pg_running; then
    PG_PORT=$(running_port)
    [ -n "$PG_PORT" ] || die "cluster in $PG_DATA runs but its port is unknown (postmaster.pid unreadable)"
    log "PostgreSQL already running on port $PG_PORT (reusing)"
    echo "$PG_PORT" >"$PG_PORT_FILE"
  else
    pg_start
  fi
  wait_pg_ready "$PG_PORT"
  local exists
  exists=$(psql -X -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -tAc \
    "select 1 from pg_database where datname = '$PG_DB'" </dev/null) ||
    die "cannot query PostgreSQL on port $PG_PORT; see $PG_LOG"
  if [ "$exists" != 1 ]; then
    log "creating database $PG_DB"
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres \
      -c "create database $PG_DB" </dev/null >/dev/null || die "could not create database $PG_DB"
  fi
  log "PostgreSQL ready: 127.0.0.1:$PG_PORT db=$PG_DB"
}

pg_down() {
  [ -f "$PG_DATA/PG_VERSION" ] || { log "no cluster in $PG_DATA; nothing to stop"; return 0; }
  pick_pg_bin
  if pg_running; then
    log "stopping PostgreSQL ($PG_DATA)"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null </dev/null 3>&- 9>&-
  else
    log "PostgreSQL is not running"
  fi
}

# -------------------------------------------------------------------- docker
docker_ok() { timeout 15 docker info >/dev/null 2>&1 </dev/null; }

# dockerd flags. Tested on the dev VM (Debian 12, docker.io 20.10.24, kernel 6.18,
# cgroup v1, no systemd, root): the DEFAULT flags work, including overlay2, the
# docker0 bridge and iptables NAT, so nothing special is passed there.
# Sandboxes differ, though, so if dockerd dies during startup we retry with:
#   --iptables=false --ip6tables=false  for hosts where dockerd cannot program
#                                       iptables/nft ("failed to create NAT chain
#                                       DOCKER", missing kernel modules, no CAP_NET_ADMIN)
#   --bridge=none                       without iptables the default docker0 network
#                                       cannot be set up; containers then get only
#                                       loopback, which the tests do not need
#   --storage-driver=vfs                for hosts where overlayfs cannot be mounted
#                                       (e.g. nested overlay); slow, but the test
#                                       image is ~2 MB
# Both fallback sets were also verified here (docker run works with them).
# Probe order: explicit WORKFLOWS_DOCKERD_FLAGS (only that) > flags remembered in
# $DOCKERD_FLAGS_FILE from the last successful start > defaults > fallbacks.
DOCKERD_FALLBACK_FLAGS=(
  ""
  "--iptables=false --ip6tables=false --bridge=none"
  "--iptables=false --ip6tables=false --bridge=none --storage-driver=vfs"
)

start_dockerd() { # flags string; returns 0 when docker info works
  local flags=$1 pid i
  log "starting dockerd ${flags:-(default flags)} (log: $DOCKERD_LOG) ..."
  # setsid+nohup: survive this script; 3>&- 9>&-: don't hold our stdout/lock open.
  printf '\n==== %s: dockerd %s ====\n' "$(date -u +%FT%TZ)" "$flags" >>"$DOCKERD_LOG"
  # shellcheck disable=SC2086 # $flags is a word list on purpose
  setsid nohup dockerd $flags >>"$DOCKERD_LOG" 2>&1 </dev/null 3>&- 9>&- &
  pid=$!
  echo "$pid" >"$DOCKERD_PID_FILE"
  for ((i = 0; i < 120; i++)); do # 120 x 0.5 s = 60 s
    if docker_ok; then
      printf '%s\n' "$flags" >"$DOCKERD_FLAGS_FILE"
      log "dockerd ready (pid $pid)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "dockerd ${flags:-(default flags)} exited during startup"
      show_tail "$DOCKERD_LOG" 15
      return 1
    fi
    sleep 0.5
  done
  show_tail "$DOCKERD_LOG"
  die "dockerd (pid $pid) did not become ready within 60 s; see $DOCKERD_LOG"
}

# The dashboard's browser tests drive Debian's Chromium with Playwright (no browser download is reachable here).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  apt_install chromium
  [ -x /usr/bin/chromium ] || die "chromium was installed but /usr/bin/chromium is missing"
}

ensure_docker() {
  ensure_state_dir
  if have docker && docker_ok; then log "docker engine already running ($DOCKER_SOCK)"; return 0; fi
  if ! have dockerd || ! have docker; then
    if ! is_root || ! have apt-get; then
      die "Docker engine not found: install docker.io (Debian/Ubuntu: apt-get install docker.io) or Docker Engine, start dockerd, then re-run"
    fi
    apt_install docker.io busybox-static
    hash -r
    have dockerd || die "dockerd still missing after installing docker.io"
  fi
  if [ -S "$DOCKER_SOCK" ] && [ ! -w "$DOCKER_SOCK" ]; then
    die "no permission on $DOCKER_SOCK for user $(id -un); add it to the 'docker' group (usermod -aG docker $(id -un)) or run as root"
  fi
  # A dockerd we did not start may be coming up right now: give it the full 60 s.
  if pgrep -x dockerd >/dev/null 2>&1; then
    local i
    log "a dockerd process exists but is not answering yet; waiting up to 60 s"
    for ((i = 0; i < 120; i++)); do
      docker_ok && { log "docker engine ready"; return 0; }
      pgrep -x dockerd >/dev/null 2>&1 || break   # it was shutting down, not starting: start our own below
      sleep 0.5
    done
    if pgrep -x dockerd >/dev/null 2>&1; then
      show_tail "$DOCKERD_LOG"
      die "dockerd is running (pid $(pgrep -x dockerd | tr '\n' ' ')) but 'docker info' fails on $DOCKER_SOCK; check its log (ours: $DOCKERD_LOG) or stop it and re-run"
    fi
    log "that dockerd exited; starting one"
  fi
  is_root || die "dockerd is not running and starting it needs root; start the Docker engine and re-run"

  local candidates=() f
  if [ -n "${WORKFLOWS_DOCKERD_FLAGS+x}" ]; then
    candidates=("$WORKFLOWS_DOCKERD_FLAGS")
  else
    [ -f "$DOCKERD_FLAGS_FILE" ] && candidates+=("$(cat "$DOCKERD_FLAGS_FILE")")
    candidates+=("${DOCKERD_FALLBACK_FLAGS[@]}")
  fi
  local tried="|"
  for f in "${candidates[@]}"; do
    case "$tried" in *"|$f|"*) continue ;; esac
    tried="$tried$f|"
    if start_dockerd "$f"; then return 0; fi
    rm -f /var/run/docker.pid 2>/dev/null || true
  done
  die "could not start dockerd with any of the tried flag sets; see $DOCKERD_LOG (override with WORKFLOWS_DOCKERD_FLAGS)"
}

# --------------------------------------------------------------------- image
is_static() { # ldd exits 1 for static binaries, so don't let pipefail see its status
  local out
  out=$(LC_ALL=C ldd "$1" 2>&1) || true
  case "$out" in *"not a dynamic executable"* | *"statically linked"*) return 0 ;; esac
  return 1
}

find_static_busybox() {
  local c
  for c in "${WORKFLOWS_BUSYBOX:-}" /bin/busybox /usr/bin/busybox /usr/local/bin/busybox; do
    [ -n "$c" ] && [ -x "$c" ] && is_static "$c" && { echo "$c"; return 0; }
  done
  return 1
}

build_image() {
  local bb
  if ! bb=$(find_static_busybox); then
    apt_install busybox-static
    bb=$(find_static_busybox) || die "no static busybox found even after installing busybox-static"
  fi
  log "building $IMAGE from $bb ..."
  local work; work=$(mktemp -d "$STATE_DIR/image.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  local root="$work/rootfs" a
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,proc,sys,dev,var/tmp,home}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp "$bb" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  # Every applet as a symlink to busybox, at its canonical path when known.
  if "$bb" --list-full >/dev/null 2>&1; then
    while IFS= read -r a; do
      if [ -z "$a" ] || [ "$a" = bin/busybox ]; then continue; fi
      mkdir -p "$root/$(dirname "$a")"
      [ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
    done < <("$bb" --list-full)
  fi
  while IFS= read -r a; do # make sure every applet is at least in /bin
    if [ -z "$a" ] || [ "$a" = busybox ]; then continue; fi
    [ -e "$root/bin/$a" ] || [ -L "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
  done < <("$bb" --list)
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -cf "$work/rootfs.tar" .
  docker import \
    --change 'CMD ["/bin/sh"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'LABEL org.opencontainers.image.description=workflows-test-busybox' \
    "$work/rootfs.tar" "$IMAGE" >/dev/null </dev/null || die "docker import failed"
  rm -rf "$work"
  trap - EXIT
  # Smoke test: output and exit codes must pass through.
  local out rc=0
  out=$(docker run --rm "$IMAGE" sh -c 'echo hi; exit 3' 2>&1 </dev/null) || rc=$?
  if [ "$rc" -ne 3 ] || [ "$out" != hi ]; then
    docker image rm -f "$IMAGE" >/dev/null 2>&1 || true
    die "smoke test of $IMAGE failed (exit $rc, output: $out)"
  fi
  log "built $IMAGE (smoke test ok)"
}

ensure_image() {
  ensure_docker
  if docker image inspect "$IMAGE" >/dev/null 2>&1 </dev/null; then
    log "image $IMAGE present"
  else
    build_image
  fi
}

alpine_standin() {
  ensure_image
  if docker image inspect alpine:latest >/dev/null 2>&1 </dev/null; then
    log "alpine:latest already present; nothing to do"
    return 0
  fi
  log "alpine:latest absent; trying docker pull (30 s timeout) ..."
  if timeout 30 docker pull -q alpine:latest >/dev/null 2>&1 </dev/null; then
    log "pulled the real alpine:latest"
    return 0
  fi
  docker tag "$IMAGE" alpine:latest
  log "NOTICE: alpine:latest is a LOCAL BUSYBOX STAND-IN (tagged from $IMAGE), not real Alpine Linux (no apk; only busybox applets). Remove with 'docker image rm alpine:latest'."
}

# ----------------------------------------------------------------------- env
env_lines() {
  printf 'WORKFLOWS_TEST_PG=Host=127.0.0.1;Port=%s;Username=%s;Database=%s\n' "$PG_PORT" "$PG_SUPERUSER" "$PG_DB"
  printf 'WORKFLOWS_TEST_DOCKER=unix://%s\n' "$DOCKER_SOCK"
  printf 'WORKFLOWS_TEST_IMAGE=%s\n' "$IMAGE"
}

emit_env() {
  local tmp; tmp=$(mktemp "$STATE_DIR/infra.env.XXXXXX")
  env_lines >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$ENV_FILE"
  cat "$ENV_FILE" >&3
}

status() {
  pick_pg_bin 2>/dev/null || true
  if [ -n "$PG_BIN" ] && pg_running; then log "postgres: running on port $(running_port) ($PG_DATA)"; else log "postgres: not running"; fi
  if have docker && docker_ok; then log "docker: running ($DOCKER_SOCK)"; else log "docker: not available"; fi
  if have docker && docker image inspect "$IMAGE" >/dev/null 2>&1; then log "image: $IMAGE present"; else log "image: $IMAGE absent"; fi
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2; }

main() {
  local cmd=${1:-up}
  case "$cmd" in
    up | env)
      ensure_state_dir; take_lock
      ensure_postgres
      ensure_image
      ensure_chromium
      emit_env
      if [ "$cmd" = up ]; then log "infrastructure ready (env also written to $ENV_FILE)"; fi
      ;;
    postgres) ensure_state_dir; take_lock; ensure_postgres ;;
    docker) ensure_state_dir; take_lock; ensure_docker ;;
    image) ensure_state_dir; take_lock; ensure_image ;;
    chromium) ensure_state_dir; take_lock; ensure_chromium ;;
    alpine-standin) ensure_state_dir; take_lock; alpine_standin ;;
    down) ensure_state_dir; take_lock; pg_down ;;
    status) status ;;
    help | -h | --help) usage ;;
    *) usage; die "unknown subcommand: $cmd" ;;
  esac
}

main "$@"

# Faultline host library stressor.sh: one stress-ng run per fault, detached from the caller, and
# the revert that stops exactly that run. Needs INSTALL_DEPENDENCIES and PROXY; includes
# deadman.sh. The run gets a session of its own (setsid: CancelCommand's kill of the caller's group
# spares it; it is started with 9<&- so it never holds the lock), runs under stress-ng's --timeout
# and, as a last net, timeout -s KILL. stress-ng's workers rename themselves, so the run is found
# by its session: the leader's command line names "--temp-path $STATE_DIR/stressor".
# A document defines revert as "stressor_revert BY" and passes stressor_revert, stressor_stop,
# stressor_leads, stressor_sessions and stressor_members to arm_deadman.
# faultline:include deadman.sh

# Installs stress-ng with the host's package manager, through PROXY when one is given.
stressor_install() (
  local manager=""
  case "$PROXY" in
    "") ;;
    *=*) export "${PROXY%%=*}"="${PROXY#*=}" ;;
    *) export http_proxy="$PROXY" https_proxy="$PROXY"; export HTTP_PROXY="$PROXY" HTTPS_PROXY="$PROXY" ;;
  esac
  for manager in dnf yum apt-get; do command -v "$manager" >/dev/null 2>&1 && break; manager=""; done
  case "$manager" in
    dnf) timeout --foreground 300 dnf install -y stress-ng ;;
    # Amazon Linux 2 ships stress-ng in EPEL only.
    yum) timeout --foreground 300 yum install -y stress-ng ||
      { command -v amazon-linux-extras >/dev/null 2>&1 &&
        timeout --foreground 300 amazon-linux-extras install -y epel &&
        timeout --foreground 300 yum install -y stress-ng; } ;;
    apt-get) timeout --foreground 300 apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive timeout --foreground 300 apt-get install -y -qq stress-ng ;;
    *) return 1 ;;
  esac
)
# Ends the run with missing-dependency when stress-ng is absent and may not be installed.
stressor_ensure_installed() {
  command -v stress-ng >/dev/null 2>&1 && return 0
  [ "$INSTALL_DEPENDENCIES" = true ] || fail missing-dependency "missing=stress-ng"
  stressor_install >&2
  command -v stress-ng >/dev/null 2>&1 || fail dependency-install-failed "missing=stress-ng"
  result "dependencies=installed" "packages=stress-ng"
}
# Builtins only in the /proc scans, as in pids_running.
# Pids of the live members of session $1 (zombies have exited), only those whose name starts with
# $2 when given.
stressor_members() {
  local sid=$1 prefix=${2:-} p line comm
  for p in /proc/[0-9]*; do
    read -r line 2>/dev/null < "$p/stat" || continue
    # Fields after "(comm)": state ppid pgrp session ...
    set -- ${line##*) }
    [ "${4:-}" = "$sid" ] && [ "$1" != Z ] || continue
    if [ -n "$prefix" ]; then
      read -r comm 2>/dev/null < "$p/comm" || continue
      case "$comm" in "$prefix"*) ;; *) continue ;; esac
    fi
    echo "${p#/proc/}"
  done
}
# Session ids of this fault's stress-ng runs, from their leaders' command lines.
stressor_sessions() {
  local pid line
  # The option and the space after it: only a command line running stress-ng for this fault.
  for pid in $(pids_running "--temp-path $STATE_DIR/stressor "); do
    read -r line 2>/dev/null < "/proc/$pid/stat" || continue
    set -- ${line##*) }
    echo "${4:-}"
  done | sort -u
}
# stressor_start SECONDS ARGS...: starts "stress-ng ARGS" for SECONDS.
stressor_start() {
  local seconds=$1
  shift
  mkdir -p "$STATE_DIR/stressor" || return 1
  setsid nohup timeout -s KILL $((seconds + MARGIN + 5)) stress-ng "$@" --timeout "${seconds}s" \
    --temp-path "$STATE_DIR/stressor" </dev/null >>"$STATE_DIR/stressor.log" 2>&1 9<&- &
}
# Waits up to 20 s until the run has at least $1 workers, and sets STRESSOR_SID; fails when the
# run has ended (or never showed up within 2 s).
stressor_await_workers() {
  local started=$SECONDS
  STRESSOR_SID=""
  while [ $((SECONDS - started)) -lt 20 ]; do
    STRESSOR_SID=$(stressor_sessions | head -n 1)
    if [ -z "$STRESSOR_SID" ]; then
      [ $((SECONDS - started)) -ge 2 ] && return 1
    else
      echo "$STRESSOR_SID" > "$STATE_DIR/stressor.sid"
      [ "$(stressor_members "$STRESSOR_SID" stress-ng- | wc -l)" -ge "$1" ] && return 0
    fi
    sleep 0.1
  done
  return 1
}
# Whether pid $1 runs stress-ng for this fault (the leader of its run names its temp path).
stressor_leads() {
  local arg cmd=""
  while IFS= read -r -d '' arg || [ -n "$arg" ]; do cmd+="$arg "; done 2>/dev/null < "/proc/$1/cmdline"
  case "$cmd" in *"--temp-path $STATE_DIR/stressor "*) return 0 ;; esac
  return 1
}
# Kills this fault's stress-ng runs and waits up to 5 s for them to go; sets STRESSOR_STOPPED to
# the number of runs found running. The run recorded at start is killed before any scan, so the
# scans do not compete with it for CPU. Once its leader is gone, what is left in its session is
# still this run's (Linux reuses no pid that names a live session); other runs are found by their
# leaders' command lines.
stressor_stop() {
  local sid pid started=$SECONDS recorded="" sessions victims found=0
  read -r recorded 2>/dev/null < "$STATE_DIR/stressor.sid"
  [[ "$recorded" =~ ^[0-9]+$ ]] || recorded=""
  if [ -n "$recorded" ] && stressor_leads "$recorded"; then
    kill -KILL -- "-$recorded" 2>/dev/null
    found=1
  elif [ -n "$recorded" ] && stressor_members "$recorded" | grep -qx "$recorded"; then
    recorded=""
  elif [ -n "$recorded" ] && [ -n "$(stressor_members "$recorded")" ]; then
    found=1
  fi
  sessions=$(stressor_sessions | grep -vx "${recorded:-none}")
  STRESSOR_STOPPED=$((found + $(printf '%s\n' $sessions | grep -c .)))
  while [ $((SECONDS - started)) -lt 5 ]; do
    sessions=$(printf '%s\n' $sessions $recorded $(stressor_sessions) | sort -u)
    victims=$(for sid in $sessions; do stressor_members "$sid"; done)
    [ -z "$victims" ] && return 0
    for sid in $sessions; do kill -KILL -- "-$sid" 2>/dev/null; done
    for pid in $victims; do kill -KILL "$pid" 2>/dev/null; done
    sleep 0.1
  done
  return 1
}
# The revert of a stress fault: stop the run, verify, remove the state.
stressor_revert() {
  local by=$1
  [ "$by" != deadman ] && disarm_deadman
  if ! stressor_stop; then
    result "stressor=running" "stopped=$STRESSOR_STOPPED" "outcome=revert-failed" "by=$by"
    return 1
  fi
  rm -rf "$STATE_DIR"
  result "stressor=absent" "stopped=$STRESSOR_STOPPED" "outcome=reverted" "by=$by"
}

# Faultline host library stressor.sh: one stress-ng run per fault, detached from the caller, and
# the revert that stops exactly that run. Needs INSTALL_DEPENDENCIES and PROXY; includes
# deadman.sh. The run gets a session of its own (setsid: CancelCommand's kill of the caller's group
# spares it; it is started with 9<&- so it never holds the lock), runs under stress-ng's --timeout
# and, as a last net, timeout -s KILL. stress-ng's workers rename themselves, so the run is found
# by its session: the leader's command line names "--temp-path $STATE_DIR/stressor".
# A document defines revert as "stressor_revert BY" and passes stressor_revert, stressor_stop,
# stressor_sessions and stressor_members to arm_deadman.
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
# Pids of the live members of session $1 (zombies have exited), only those whose name starts with
# $2 when given.
stressor_members() {
  local p line fields
  for p in /proc/[0-9]*; do
    line=$(cat "$p/stat" 2>/dev/null) || continue
    # Fields after "(comm)": state ppid pgrp session ...
    read -r -a fields <<< "${line##*) }"
    [ "${fields[3]:-}" = "$1" ] && [ "${fields[0]}" != Z ] || continue
    if [ -n "${2:-}" ]; then
      case "$(cat "$p/comm" 2>/dev/null)" in "$2"*) ;; *) continue ;; esac
    fi
    echo "${p#/proc/}"
  done
}
# Session ids of this fault's stress-ng runs, from their leaders' command lines.
stressor_sessions() {
  local pid line fields
  # The option and the space after it: only a command line running stress-ng for this fault.
  for pid in $(pids_running "--temp-path $STATE_DIR/stressor "); do
    line=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    read -r -a fields <<< "${line##*) }"
    echo "${fields[3]}"
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
  local i
  STRESSOR_SID=""
  for i in $(seq 1 200); do
    STRESSOR_SID=$(stressor_sessions | head -n 1)
    if [ -z "$STRESSOR_SID" ]; then
      [ "$i" -gt 20 ] && return 1
    else
      echo "$STRESSOR_SID" > "$STATE_DIR/stressor.sid"
      [ "$(stressor_members "$STRESSOR_SID" stress-ng- | wc -l)" -ge "$1" ] && return 0
    fi
    sleep 0.1
  done
  return 1
}
# Kills this fault's stress-ng runs (found by command line, or by the session recorded at start
# when its leader is gone, then only its stress-ng processes) and waits up to 5 s for them to go.
stressor_stop() {
  local sid pid i recorded sessions
  sessions=$(stressor_sessions)
  recorded=$(cat "$STATE_DIR/stressor.sid" 2>/dev/null)
  [[ "$recorded" =~ ^[0-9]+$ ]] || recorded=""
  for i in $(seq 1 50); do
    for sid in $sessions; do
      kill -KILL -- "-$sid" 2>/dev/null
      for pid in $(stressor_members "$sid"); do kill -KILL "$pid" 2>/dev/null; done
    done
    if [ -n "$recorded" ]; then
      for pid in $(stressor_members "$recorded" stress-ng); do kill -KILL "$pid" 2>/dev/null; done
    fi
    if [ -z "$(stressor_sessions)" ] && [ -z "$(for sid in $sessions; do stressor_members "$sid"; done)" ] &&
      { [ -z "$recorded" ] || [ -z "$(stressor_members "$recorded" stress-ng)" ]; }; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
# The revert of a stress fault: stop the run, verify, remove the state.
stressor_revert() {
  local by=$1
  [ "$by" != deadman ] && disarm_deadman
  if ! stressor_stop; then
    result "stressor=running" "outcome=revert-failed" "by=$by"
    return 1
  fi
  rm -rf "$STATE_DIR"
  result "stressor=absent" "outcome=reverted" "by=$by"
}

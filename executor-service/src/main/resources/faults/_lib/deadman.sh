# Faultline host library deadman.sh: the fault's state on the host and its dead-man revert, which
# restores the host DurationSeconds + margin after injection even if every Faultline process dies.
# Needs ACTION, FAULT_ID, TRACE_ID and DURATION_SECONDS; the document defines revert BY (BY is
# rollback, trap, deadman or now), which restores the host, verifies, removes STATE_DIR and
# returns non-zero when the host is not restored. Including it sets DURATION, STATE_BASE, MARGIN,
# STATE_DIR, FAULT_HASH and DEADMAN_UNIT, and ends the run when the state folder is not absolute.
# faultline:include result.sh
DURATION=$((10#$DURATION_SECONDS))
STATE_BASE=${FAULTLINE_STATE_DIR:-/run/faultline}
MARGIN=${FAULTLINE_DEADMAN_MARGIN_SECONDS:-5}
[[ "$MARGIN" =~ ^[0-9]{1,4}$ ]] || MARGIN=5
STATE_DIR="$STATE_BASE/$FAULT_ID"
# 20 hex characters name the fault on the host where a fault id (up to 128) does not fit.
FAULT_HASH=$(printf '%s' "$FAULT_ID" | sha256sum | cut -c1-20)
DEADMAN_UNIT="faultline-deadman-$FAULT_HASH"
case "$STATE_BASE" in /*) ;; *) fail state-dir-not-absolute ;; esac

# One revert at a time on this host: a rollback and a firing dead-man must not interleave.
# Children that outlive the script are started with 9<&-, or they would hold the lock.
lock() {
  mkdir -p "$STATE_BASE" && exec 9<"$STATE_BASE" || return 1
  if command -v flock >/dev/null 2>&1; then timeout --foreground 120 flock 9 || return 1; fi
}
# The dead-man (and any helper a document starts with setsid) is a session leader: kill its group.
kill_tree() { kill -KILL -- "-$1" 2>/dev/null; kill -KILL "$1" 2>/dev/null; }
# Pids of processes whose command line names the given file of this fault, never ours. One grep
# over every command line: a fork per process took seconds on a busy host.
pids_running() {
  local f pid comm
  for f in $(grep -lsF -- "$1" /proc/[0-9]*/cmdline); do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [ "$pid" = "$$" ] || [ "$pid" = "${BASHPID:-}" ] && continue
    # The grep names the file too: it has exited by now, or is skipped here.
    read -r comm 2>/dev/null <"/proc/$pid/comm" || continue
    [ "$comm" = grep ] && continue
    echo "$pid"
  done
}
# Kills every process naming the given file and waits up to 5 s for them to go.
kill_running() {
  local pid i
  for pid in $(pids_running "$1"); do kill_tree "$pid"; done
  for i in $(seq 1 50); do
    [ -z "$(pids_running "$1")" ] && return 0
    sleep 0.1
  done
  return 1
}
# Cancels this fault's dead-man (its sleeper and its systemd timer); a revert that is not the
# dead-man itself calls it first.
disarm_deadman() {
  kill_running "$STATE_DIR/revert.sh"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl stop "$DEADMAN_UNIT.timer" "$DEADMAN_UNIT.service" >/dev/null 2>&1
    systemctl reset-failed "$DEADMAN_UNIT.service" >/dev/null 2>&1
  fi
  return 0
}
# arm_deadman NAME...: writes STATE_DIR/revert.sh (the library, revert and the named variables and
# functions revert needs) and schedules "revert deadman" DURATION + MARGIN seconds from now.
arm_deadman() {
  local after=$((DURATION + MARGIN)) name vars=() funcs=()
  declare -F revert >/dev/null || return 1
  for name in "$@"; do
    if declare -F "$name" >/dev/null; then funcs+=("$name")
    elif declare -p "$name" >/dev/null 2>&1; then vars+=("$name")
    else return 1; fi
  done
  {
    echo '#!/bin/bash'
    echo '# Faultline dead-man revert; run by hand to restore the host: bash revert.sh now'
    # ${a[@]+...}: bash before 4.4 (Amazon Linux 2) calls an empty array unbound under set -u.
    declare -p PATH ACTION FAULT_ID TRACE_ID STATE_BASE STATE_DIR DEADMAN_UNIT ${vars[@]+"${vars[@]}"}
    declare -f result lock kill_tree pids_running kill_running disarm_deadman revert ${funcs[@]+"${funcs[@]}"}
    echo '[ "${1:-}" = deadman ] && sleep "$2"'
    echo 'lock || exit 1'
    echo 'revert "${1:-now}"'
  } > "$STATE_DIR/revert.sh" || return 1
  if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1 &&
    systemd-run --quiet --unit "$DEADMAN_UNIT" --on-active="${after}s" \
      --timer-property=AccuracySec=1s /bin/bash "$STATE_DIR/revert.sh" deadman 0 >/dev/null 2>&1; then
    result "deadman=armed" "mode=systemd-run" "fires_in=$after"
  else
    # setsid: own session, so killing the caller's process group (CancelCommand) spares it;
    # no inherited stdout, so the caller's output stream still ends when the script does.
    setsid nohup bash "$STATE_DIR/revert.sh" deadman "$after" \
      </dev/null >>"$STATE_BASE/deadman.log" 2>&1 9<&- &
    result "deadman=armed" "mode=setsid" "fires_in=$after" "pid=$!"
  fi
}
# Until injection_verified runs, any exit (an error, TERM from a step timeout) reverts at once, so
# a half-done injection never stays behind.
guard_injection() {
  FAULTLINE_INJECTED=0
  trap '[ "$FAULTLINE_INJECTED" = 1 ] || revert trap >/dev/null 2>&1' EXIT
  trap 'exit 143' TERM INT HUP
}
injection_verified() { FAULTLINE_INJECTED=1; }

# Faultline host library netem.sh: tc netem on one interface, whole or towards given destinations,
# shared by the network latency and packet loss documents. Needs the variables of deadman.sh (which
# it includes) and IFACE, DESTINATION_IPS, DESTINATION_PORTS, INSTALL_DEPENDENCIES and PROXY; a
# document defines revert() { netem_revert "$@"; } and calls netem_fault with its netem options
# (e.g. delay 2000ms, loss 100%).
# Whole interface: root qdisc "netem". Scoped: root "prio bands 4" whose priomap uses bands 1-3
# only (the kernel's default mapping), netem on band 4, and one u32 filter per destination x port
# sending matching IPv4 packets there. The root qdisc's handle is derived from FAULT_HASH, so a
# revert recognises exactly what its fault added and deletes only that; "tc qdisc add" (never
# replace) cannot clobber a root qdisc someone else configured in between.
# faultline:include deadman.sh
NETEM_HANDLE=$(printf '%x' $((0x${FAULT_HASH:0:4} % 0x7ffe + 1)))
# The kernel's own mapping of the 16 TOS priorities onto bands 0-2; band 3 (4th) gets filtered only.
NETEM_PRIOMAP='1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1'

tcx() { timeout --foreground 30 tc "$@"; }
# "KIND HANDLE" of the interface's root qdisc, e.g. "noqueue 0:"; empty when there is none.
root_qdisc() {
  command -v tc >/dev/null 2>&1 || return 0
  tcx qdisc show dev "$IFACE" 2>/dev/null | awk '$1 == "qdisc" && $4 == "root" { print $2 " " $3; exit }'
}
# Installs tc with the host's package manager, through PROXY when one is given.
netem_install() {
  local proxy=() run
  case "$PROXY" in
    '') ;;
    *=*) proxy=("$PROXY") ;;
    *) proxy=("http_proxy=$PROXY" "https_proxy=$PROXY" "HTTP_PROXY=$PROXY" "HTTPS_PROXY=$PROXY") ;;
  esac
  run=(env ${proxy[@]+"${proxy[@]}"} DEBIAN_FRONTEND=noninteractive timeout --foreground 300)
  if command -v apt-get >/dev/null 2>&1; then
    "${run[@]}" apt-get update -qq && "${run[@]}" apt-get install -y -qq iproute2
  # Amazon Linux 2023 and RHEL 9 ship tc apart (iproute-tc); older ones inside iproute.
  elif command -v dnf >/dev/null 2>&1; then
    "${run[@]}" dnf install -y iproute-tc || "${run[@]}" dnf install -y iproute
  elif command -v yum >/dev/null 2>&1; then
    "${run[@]}" yum install -y iproute-tc || "${run[@]}" yum install -y iproute
  else
    return 1
  fi
}
netem_dependencies() {
  command -v tc >/dev/null 2>&1 && return 0
  [ "$INSTALL_DEPENDENCIES" = true ] || fail missing-dependency "missing=tc"
  netem_install >&2
  command -v tc >/dev/null 2>&1 || fail dependency-install-failed "missing=tc"
  result "dependencies=installed" "packages=tc"
}
# The u32 match of each filter, one per line: every destination x every port.
netem_matches() {
  local ip port ips=() ports=()
  [ -n "$DESTINATION_IPS" ] && IFS=, read -r -a ips <<<"$DESTINATION_IPS"
  [ -n "$DESTINATION_PORTS" ] && IFS=, read -r -a ports <<<"$DESTINATION_PORTS"
  [ "${#ips[@]}" = 0 ] && ips=('')
  [ "${#ports[@]}" = 0 ] && ports=('')
  for ip in "${ips[@]}"; do
    for port in "${ports[@]}"; do
      echo "${ip:+match ip dst $ip }${port:+match ip dport $port 0xffff }" | sed 's/ $//'
    done
  done
}
netem_scoped() { [ -n "$DESTINATION_IPS$DESTINATION_PORTS" ]; }
# tc qdisc add with the given arguments; a kind this kernel lacks (no sch_netem module, say)
# becomes its own reason.
qdisc_add() {
  local kind=$1 out
  shift
  out=$(tcx qdisc add dev "$IFACE" "$@" 2>&1) && return 0
  case "$out" in
    *"kind is unknown"*) fail qdisc-unavailable "kind=$kind" ;;
    *) fail tc-failed "kind=$kind" ;;
  esac
}
netem_apply() {
  local match
  if ! netem_scoped; then
    qdisc_add netem root handle "$NETEM_HANDLE:" netem "$@"
    return
  fi
  # shellcheck disable=SC2086 # the priomap is sixteen words on purpose
  qdisc_add prio root handle "$NETEM_HANDLE:" prio bands 4 priomap $NETEM_PRIOMAP
  qdisc_add netem parent "$NETEM_HANDLE:4" netem "$@"
  while IFS= read -r match; do
    # shellcheck disable=SC2086 # a match is several words
    tcx filter add dev "$IFACE" protocol ip parent "$NETEM_HANDLE:" prio 1 u32 $match \
      flowid "$NETEM_HANDLE:4" || fail tc-failed "kind=u32"
  done < <(netem_matches)
}
netem_applied() {
  local shown filters
  if ! netem_scoped; then
    [ "$(root_qdisc)" = "netem $NETEM_HANDLE:" ]
    return
  fi
  [ "$(root_qdisc)" = "prio $NETEM_HANDLE:" ] || return 1
  shown=$(tcx qdisc show dev "$IFACE") || return 1
  grep -Eq "^qdisc netem [0-9a-f]+: parent $NETEM_HANDLE:4( |$)" <<<"$shown" || return 1
  filters=$(tcx filter show dev "$IFACE" parent "$NETEM_HANDLE:" | grep -c "flowid $NETEM_HANDLE:4")
  [ "$filters" = "$(netem_matches | wc -l)" ]
}
# The documents' revert BY: deletes the root qdisc only when it is this fault's (its handle), then
# verifies the kernel's default is back. Never injected, or the interface gone: nothing to delete.
netem_revert() {
  local by=$1 root qdisc=absent
  [ "$by" != deadman ] && disarm_deadman
  root=$(root_qdisc)
  if [ "${root#* }" = "$NETEM_HANDLE:" ]; then
    tcx qdisc del dev "$IFACE" root 2>/dev/null
    qdisc=removed
    root=$(root_qdisc)
  fi
  if [ "${root#* }" = "$NETEM_HANDLE:" ] || { [ "$qdisc" = removed ] && [ "${root#* }" != 0: ]; }; then
    result "interface=$IFACE" "qdisc=$qdisc" "root_qdisc=${root// //}" "outcome=revert-failed" "by=$by"
    return 1
  fi
  rm -rf "$STATE_DIR"
  result "interface=$IFACE" "qdisc=$qdisc" "root_qdisc=${root// //}" "outcome=reverted" "by=$by"
}
# The whole document: rollback, or inject with the given netem options.
netem_fault() {
  local root
  if [ "$ACTION" = rollback ]; then
    lock || fail lock-timeout
    revert rollback || fail revert-not-verified
    summary outcome=ok
    exit 0
  fi
  # The document's patterns already hold; matches are word-split, so never trust them alone.
  [[ "$DESTINATION_IPS" =~ ^[0-9./,]*$ && "$DESTINATION_PORTS" =~ ^[0-9,]*$ ]] ||
    fail invalid-destinations
  [ -d "/sys/class/net/$IFACE" ] || fail no-such-interface "interface=$IFACE"
  netem_dependencies
  lock || fail lock-timeout
  if [ -d "$STATE_DIR" ]; then
    result "interface=$IFACE" "detail=already-injected"
    summary outcome=ok
    exit 0
  fi
  # Only the kernel's default root qdisc (handle 0:) may be replaced: it comes back by itself
  # when ours is deleted. Anything else is someone's shaping, left alone.
  root=$(root_qdisc)
  [ "${root#* }" = 0: ] || fail root-qdisc-in-use "root_qdisc=${root// //}"
  mkdir -p -- "$STATE_DIR" || fail cannot-create-state
  guard_injection
  arm_deadman IFACE NETEM_HANDLE tcx root_qdisc netem_revert || fail cannot-arm-deadman
  netem_apply "$@"
  netem_applied || fail injection-not-verified
  injection_verified
  result "interface=$IFACE" "handle=$NETEM_HANDLE:" "filters=$(netem_scoped && netem_matches | wc -l || echo 0)" \
    "netem=$(IFS=_; echo "$*")" "outcome=injected"
  summary outcome=ok
}

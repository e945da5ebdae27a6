# Faultline host library result.sh: the machine-readable output every document prints (format in
# io.faultline.executor.fault.document's package-info). Needs ACTION, FAULT_ID and TRACE_ID.
# result prints one FAULTLINE_RESULT line; summary the run's last line; fail ends the run with
# outcome=failed, reason=$1 and an optional key=value detail $2.
result() { echo "FAULTLINE_RESULT $*"; }
summary() { result "action=$ACTION" "$@" "fault_id=$FAULT_ID" ${TRACE_ID:+"trace_id=$TRACE_ID"}; }
fail() { summary outcome=failed "reason=$1" ${2:+"$2"}; exit 1; }

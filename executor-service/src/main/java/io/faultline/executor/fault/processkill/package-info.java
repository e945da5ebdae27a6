/**
 * EC2 process kill: sends SIGTERM (or SIGKILL when FORCE) to the PROCESS_IDS on each target and
 * reports one {@code FAULTLINE_RESULT pid=… signal=… outcome=…} line per PID. A killed process is
 * not restarted by Faultline (its supervisor is what the experiment tests); rollback only disarms
 * the host-side dead-man timer and is a no-op on a host that was never injected.
 */
package io.faultline.executor.fault.processkill;

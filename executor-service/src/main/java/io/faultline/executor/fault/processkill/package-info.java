/**
 * EC2 process kill: sends SIGTERM (or SIGKILL when FORCE) to the PROCESS_IDS on each target, or to
 * the processes PROCESS_NAMES resolves to there (exact names, or command-line patterns), never to
 * PID 1, the SSM agent, the script itself or a process whose name the fault's guard protects; it
 * reports one {@code FAULTLINE_RESULT pid=… name=… signal=… outcome=…} line per process, which the
 * event carries as the target's {@code processes}. A killed process is not restarted by Faultline
 * (its supervisor is what the experiment tests); rollback is a no-op, also on a host never
 * injected.
 */
package io.faultline.executor.fault.processkill;

/**
 * The SSM command documents of the fault types ({@code faults/<type>/document.yaml}, schemaVersion
 * 2.2, typed parameters with {@code allowedPattern}/{@code allowedValues}, one {@code
 * aws:runShellScript} step): loading, content hashing, and validation of parameter values, the only
 * way a value reaches a script. Every document takes {@code Action} ({@code inject}|{@code
 * rollback}), {@code FaultId}, {@code DurationSeconds} and {@code TraceId}; rollback is idempotent
 * and treats "never injected" as success; inject arms a dead-man revert before it changes anything.
 * Code shared by the scripts (result lines, the dead-man revert, the lock, the state folder) lives
 * once in the host libraries {@code faults/_lib/*.sh}, which {@code HostLibraries} expands into a
 * document when it is loaded.
 *
 * <p>Scripts report machine-readable lines, parsed by {@link
 * io.faultline.executor.fault.document.ResultLine}: {@code FAULTLINE_RESULT key=value ...} with
 * lower-case keys and values free of whitespace, for example {@code FAULTLINE_RESULT pid=1234
 * signal=KILL outcome=killed} (per target; process-kill outcomes are {@code killed}, {@code
 * survived}, {@code not-found}, {@code refused}, {@code failed}), {@code FAULTLINE_RESULT
 * deadman=armed mode=setsid fires_in=35}, and exactly one summary line last, the only one with an
 * {@code action} key: {@code FAULTLINE_RESULT action=inject outcome=ok|failed [reason=...]
 * fault_id=... [trace_id=...]}. A non-zero exit code always comes with {@code outcome=failed}.
 */
package io.faultline.executor.fault.document;

package io.faultline.benchmarks.aws;

import java.time.Instant;

/**
 * One call the stub answered.
 *
 * @param operation the AWS operation ({@code SendCommand}, {@code DescribeAlarms}, …)
 * @param account the account the caller's credentials belong to ({@code hub} for the executor's
 *     base credentials), or for {@code AssumeRole} the account of the role assumed
 * @param faultId for {@code SendCommand}: the fault named in the command's comment, else null
 * @param action for {@code SendCommand}: the document's {@code Action} parameter ({@code inject},
 *     {@code rollback}), else null
 * @param instances for {@code SendCommand}: how many instances it addresses, else 0
 * @param alarmState for {@code DescribeAlarms}: the state answered (null: no such alarm)
 * @param nanoTime arrival, {@link System#nanoTime()} of this JVM
 * @param at arrival, wall clock
 */
public record AwsCall(
    String operation,
    String account,
    String faultId,
    String action,
    int instances,
    String alarmState,
    long nanoTime,
    Instant at) {}

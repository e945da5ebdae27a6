package io.faultline.scheduler.state;

import java.time.Instant;
import java.util.List;

/** One lifecycle event of a run's fault, as shown in the run's timeline. */
public record TimelineEntry(
    String faultId,
    String stage,
    long sequence,
    Instant occurredAt,
    String producer,
    String reason,
    String detail,
    List<String> targets,
    List<String> ssmCommandIds,
    String traceId) {}

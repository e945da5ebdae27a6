/**
 * Runs one approved fault on its own virtual thread: selection (ids, tag and percentage, ECS
 * cluster, guard, cap), pre-checks, ramp, batched or serial inject, polling with capped backoff,
 * hold, rollback, verification, aborts, and one lifecycle event per step. Written once for every
 * fault type.
 */
package io.faultline.executor.run;

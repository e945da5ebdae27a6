/**
 * The scheduler's state as it lives in Kafka: experiments, schedules, runs, tenant accounts and
 * policies, and the commands that change them. Plain records, serialized as JSON with {@link
 * io.faultline.scheduler.state.StateJson}.
 */
package io.faultline.scheduler.state;

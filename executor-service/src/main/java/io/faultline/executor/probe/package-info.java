/**
 * Run watches (ADR 0010): this executor's share of the runs being watched (the partitions of {@code
 * faultline.run-watches.v1} it owns in the group {@code faultline-probes}), their probes read on
 * each probe's interval, readings and results published as run events, and a stop condition's
 * breach turned into {@code ABORT_RUN STOP_CONDITION} on the controls topic. One folder per probe
 * type, each registered in {@link io.faultline.executor.probe.ProbeRegistry}.
 */
package io.faultline.executor.probe;

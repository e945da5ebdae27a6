/**
 * EC2 disk IO stress: on each target, runs NUMBER_OF_WORKERS detached stress-ng hdd workers (each
 * bounded to IO_MIB_PER_WORKER MiB and to the fault's duration by stress-ng's own timeout) in a
 * scratch directory of the fault under VOLUME_MOUNT_PATH. Rollback (and the host's own dead-man
 * timer) kills the stressor's whole session, removes the scratch directory and verifies neither
 * remains; on a host never injected it finds nothing and succeeds.
 */
package io.faultline.executor.fault.diskiostress;

/**
 * EC2 disk fill: on each target, writes one file named after the fault into VOLUME_MOUNT_PATH
 * (fallocate, else dd) so that its filesystem reaches FILESYSTEM_UTILIZATION_PERCENTAGE used (at
 * most 95; nothing is written when it is already that full). Rollback (and the host's own dead-man
 * timer) deletes exactly that file and verifies the space came back; on a host never injected it
 * finds nothing and succeeds.
 */
package io.faultline.executor.fault.diskfill;

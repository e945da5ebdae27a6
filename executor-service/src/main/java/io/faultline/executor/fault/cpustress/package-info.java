/**
 * EC2 CPU stress: on each target, starts one detached stress-ng run ({@code --cpu CPU_CORES
 * --cpu-load CPU_LOAD --timeout TOTAL_CHAOS_DURATION}, 0 cores = one worker per online core) in a
 * session of its own, after arming the host's dead-man. Rollback (or the dead-man, or stress-ng's
 * own timeout) kills exactly that session and verifies no worker of it remains; on a host never
 * injected it finds nothing and succeeds.
 */
package io.faultline.executor.fault.cpustress;

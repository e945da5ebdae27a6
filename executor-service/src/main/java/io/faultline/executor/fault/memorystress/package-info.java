/**
 * EC2 memory stress: on each target, works out MEMORY_PERCENTAGE of the host's total memory (or of
 * the memory cgroup limit it runs under, when lower) and starts one detached stress-ng run of
 * NUMBER_OF_WORKERS {@code --vm} workers that allocate that much between them and keep writing it,
 * in a session of its own, after arming the host's dead-man. Rollback (or the dead-man, or
 * stress-ng's own timeout) kills exactly that session, which frees the memory, and verifies no
 * worker of it remains; on a host never injected it finds nothing and succeeds.
 */
package io.faultline.executor.fault.memorystress;

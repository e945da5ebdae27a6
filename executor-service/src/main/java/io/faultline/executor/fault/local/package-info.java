/**
 * The local transport: runs a fault's SSM document ({@link
 * io.faultline.executor.fault.document.SsmDocument}) on this host exactly as SSM Run Command would,
 * so tests and the local platform exercise the very scripts that run on EC2 hosts. Parameters are
 * validated before any process starts; {@link io.faultline.executor.fault.local.LocalRun#cancel()}
 * kills the run's process group like CancelCommand and leaves the script's dead-man timer to
 * restore the host.
 */
package io.faultline.executor.fault.local;

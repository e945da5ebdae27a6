/**
 * The local transport: an account that is this host. Target directory answers come from a fixed
 * inventory (instance ids with tags, ECS clusters), and commands run the same SSM documents through
 * {@link io.faultline.executor.fault.local.LocalDocumentRunner}. Used by tests and the local
 * platform.
 */
package io.faultline.executor.hostlocal;

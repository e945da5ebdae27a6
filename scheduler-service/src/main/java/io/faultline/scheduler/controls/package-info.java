/** Halting and resuming a tenant or the whole platform, published on the controls topic. */
package io.faultline.scheduler.controls;

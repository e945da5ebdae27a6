/** Fault controls: abort a fault or run, halt and resume a tenant or everything. */
package io.faultline.events.control;

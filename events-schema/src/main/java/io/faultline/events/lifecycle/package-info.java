/** Lifecycle events: every state change of a fault, the single stream subscribers read. */
package io.faultline.events.lifecycle;

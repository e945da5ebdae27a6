/** W3C trace context helpers: one trace per fault, carried from publisher to the last event. */
package io.faultline.events.tracing;

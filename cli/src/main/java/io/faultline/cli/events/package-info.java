/** {@code faultline events}: the tenant's live Server-Sent Events, one line per event. */
package io.faultline.cli.events;

/**
 * Schedules: cron in an IANA time zone or one-off, enable/disable, end date, max runs, and the
 * per-schedule missed-fire policy. Firing itself happens in the engine.
 */
package io.faultline.scheduler.schedules;

/**
 * The service's OpenTelemetry SDK, configured the standard way ({@code OTEL_*} variables); the
 * spans and meters themselves live with the features that record them.
 */
package io.faultline.scheduler.telemetry;

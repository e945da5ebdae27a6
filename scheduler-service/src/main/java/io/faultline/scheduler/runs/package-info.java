/**
 * Runs and their timelines (materialized by the engine from the lifecycle topic), aborting a run or
 * one fault, and the live Server-Sent Events stream of a tenant's lifecycle events.
 */
package io.faultline.scheduler.runs;

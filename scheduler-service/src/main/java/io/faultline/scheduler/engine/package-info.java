/**
 * The Kafka Streams engine: applies commands, materializes runs from the lifecycle topic, fires
 * schedules by punctuation exactly once, drives waves, and answers (or routes) state queries.
 */
package io.faultline.scheduler.engine;

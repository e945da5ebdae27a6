package io.faultline.scheduler.web;

/**
 * One invalid field of a request: its path in the body (e.g. {@code parameters.PROCESS_IDS}, {@code
 * waves[1].name}), the rule it broke ({@code required}, {@code pattern}, {@code maximum}, ...) and
 * a sentence a person can act on.
 */
public record FieldViolation(String field, String rule, String message) {}

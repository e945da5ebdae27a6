/**
 * Who sent a fault request (ADR 0008): the signature intake reads from a request ({@link
 * RequestSignature}) and the check admission makes of it against the tenant's publisher keys and
 * the platform keys ({@link RequestAuthentication}), before any rule.
 */
package io.faultline.policy.authentication;

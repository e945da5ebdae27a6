/**
 * Who may call the executor's own API (the halt that works when Kafka does not): the principals the
 * scheduler accepts, authenticated the same way — bearer JWTs from the identity provider Spring
 * Boot's {@code spring.security.oauth2.resourceserver.jwt.*} names, or the scheduler's development
 * tokens given their shared secret — with the same audience, tenant and roles claims. Without
 * either, every call is refused.
 */
package io.faultline.executor.security;

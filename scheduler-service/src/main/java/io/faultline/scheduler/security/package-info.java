/**
 * Who may do what: an OAuth2 resource server (JWT, tenant id and roles from claims), tenant
 * isolation on every tenant path, and the local development token mode (off unless enabled).
 */
package io.faultline.scheduler.security;

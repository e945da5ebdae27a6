/**
 * A tenant's AWS accounts (registration, generated external ids, the trust policy each account's
 * role needs), the public keys its publishers sign fault requests with, and its policy, published
 * on the compacted policies topic with both.
 */
package io.faultline.scheduler.tenants;

/**
 * A tenant's AWS accounts (registration, generated external ids, the trust policy each account's
 * role needs) and its policy, published on the compacted policies topic.
 */
package io.faultline.scheduler.tenants;

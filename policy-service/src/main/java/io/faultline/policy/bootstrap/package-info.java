/**
 * Local bootstrap of tenant policies: a directory of policy JSON files published to the compacted
 * policies topic at start, so a laptop setup needs no scheduler to have tenants.
 */
package io.faultline.policy.bootstrap;

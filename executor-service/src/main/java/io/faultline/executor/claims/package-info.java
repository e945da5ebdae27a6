/**
 * Target claims (issue 16 item 2): before a tag-selected fault injects, its executor claims the
 * instances it resolved from the tenant's admission and acts only on those granted.
 */
package io.faultline.executor.claims;

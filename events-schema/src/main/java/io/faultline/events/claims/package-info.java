/**
 * Target claims (issue 16 item 2): an executor claims the instances a tag selector resolved to from
 * its tenant's admission, which grants those no other active fault holds.
 */
package io.faultline.events.claims;

/**
 * Target claims (issue 16 item 2): the executor of a tag-selected fault claims the instances it
 * resolved; admission grants those no other active fault holds and adds them to the fault's lease,
 * so they are released with it. The rule is pure; the admission processor applies and publishes it.
 */
package io.faultline.policy.claims;

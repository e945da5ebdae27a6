/** The load driver: decisions per second and request-to-decision latency on a real broker. */
package io.faultline.policy.load;

/** The policy service. */
package io.faultline.policy;

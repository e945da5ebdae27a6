/** The fault request: what other platforms and the scheduler publish. */
package io.faultline.events.request;

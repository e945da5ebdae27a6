/** The scheduler service. */
package io.faultline.scheduler;

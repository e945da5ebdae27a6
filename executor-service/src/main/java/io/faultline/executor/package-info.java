/** The executor service. */
package io.faultline.executor;

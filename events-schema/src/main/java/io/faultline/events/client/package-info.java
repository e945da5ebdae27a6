/** A small client for other JVM platforms: publish fault requests. */
package io.faultline.events.client;

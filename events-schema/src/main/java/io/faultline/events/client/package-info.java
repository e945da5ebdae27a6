/**
 * A small client for other JVM platforms: publish fault requests, see when a group has read them.
 */
package io.faultline.events.client;

/** The Faultline event contract. No Spring: any JVM platform can use it. */
package io.faultline.events;

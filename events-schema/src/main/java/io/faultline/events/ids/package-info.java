/**
 * Typed, validated identifiers, each serialized as a plain JSON string, and the values made of them
 * that name a fault ({@link io.faultline.events.ids.FaultKey}, {@link
 * io.faultline.events.ids.FaultCoordinates}).
 */
package io.faultline.events.ids;

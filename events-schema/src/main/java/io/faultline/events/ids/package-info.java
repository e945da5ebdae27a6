/** Typed, validated identifiers. Each serializes as a plain JSON string. */
package io.faultline.events.ids;

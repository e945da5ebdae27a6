/**
 * The fault-type catalogue: each type's tunables (name, type, default, bounds, pattern) and the
 * rules across tunables. Adding a fault type adds one {@link
 * io.faultline.events.catalogue.FaultTypeSpec}.
 */
package io.faultline.events.catalogue;

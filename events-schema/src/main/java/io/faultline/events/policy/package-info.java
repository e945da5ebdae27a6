/** The tenant policy document: accounts, allowed faults, protected targets, windows and limits. */
package io.faultline.events.policy;

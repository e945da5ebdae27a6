/** The typed topic catalogue: names, keys, partitions, retention and writers. */
package io.faultline.events.topics;

/** CloudEvents 1.0 over Kafka: the codec, serdes and the event families with their schemas. */
package io.faultline.events.cloudevents;

/**
 * Who may do what on a secured Kafka cluster: the ACL inventory of every Faultline service and of
 * the platforms that publish requests, as code ({@link io.faultline.events.access.KafkaAccess}).
 */
package io.faultline.events.access;

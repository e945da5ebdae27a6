/** {@code faultline publish}: one fault request on Kafka, validated and (with a key) signed. */
package io.faultline.cli.publish;

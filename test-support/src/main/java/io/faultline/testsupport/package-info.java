/** Real infrastructure for tests: a Kafka broker and moto's AWS server. */
package io.faultline.testsupport;

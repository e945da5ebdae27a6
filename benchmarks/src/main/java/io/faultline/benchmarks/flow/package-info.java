/**
 * The executor-side figures of issue 16 (P2 request → first SendCommand, P4 AWS calls per fault, P5
 * halt → rollback) and issue 15's stop-condition breach → rollback, driven through the real policy,
 * executor and scheduler boot jars on a real broker against the {@code aws} stub.
 */
package io.faultline.benchmarks.flow;

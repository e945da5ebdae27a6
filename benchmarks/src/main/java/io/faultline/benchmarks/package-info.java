/** The performance figures P1-P5: one driver per figure, each printing its table. */
package io.faultline.benchmarks;

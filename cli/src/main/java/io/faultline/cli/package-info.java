/**
 * The {@code faultline} command line: the top command, exit codes, shared options (the platform's
 * URL and credentials, the output format) and how results are printed.
 */
package io.faultline.cli;

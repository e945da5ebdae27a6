/** {@code faultline run}: start a run, follow its progress, and exit with its verdict. */
package io.faultline.cli.run;

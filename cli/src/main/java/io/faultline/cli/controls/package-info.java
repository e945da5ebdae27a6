/** {@code faultline halt} and {@code resume}: a tenant's or the platform's halt switch. */
package io.faultline.cli.controls;

/** The scheduler's REST API as the CLI calls it, and its problem+json errors. */
package io.faultline.cli.api;

/**
 * Bearer tokens: from the environment, a file, or the OAuth2 client credentials grant; never from a
 * plain command-line value and never printed.
 */
package io.faultline.cli.auth;

/**
 * Signed fault requests (ADR 0008): the canonical signed bytes ({@link CanonicalRequest}), the
 * detached JWS a request carries in its {@code faultlinesig} extension ({@link RequestSigner},
 * {@link DetachedSignature}) and PEM key files ({@link PemKeys}).
 */
package io.faultline.events.signing;

/**
 * The HTTP edge every service shares: one error mapper, request ids, the errors raised below the
 * REST layer, JSON responses and the merchant behind an API key.
 *
 * <p>These are stateless JAX-RS providers and beans. A service opts in by indexing this jar ({@code
 * quarkus.index-dependency.shared-model.*} in its {@code application.properties}) and by producing
 * an {@link io.paystream.shared.security.ApiKeyAuthenticator} and a {@link
 * io.paystream.shared.security.RateLimiter} over its own credential table.
 */
package io.paystream.shared.web;

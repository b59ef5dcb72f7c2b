package io.paystream.shared.stream;

/**
 * One entry read from a stream.
 *
 * @param id the Redis entry id
 * @param payload the envelope JSON, or {@code null} when the entry has no {@code event} field
 */
public record StreamEntry(String id, String payload) {}

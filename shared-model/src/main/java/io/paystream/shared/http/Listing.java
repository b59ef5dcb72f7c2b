package io.paystream.shared.http;

import java.util.List;

/**
 * One page of a list and the total number of items across all pages.
 *
 * @param items the page, newest first
 * @param total items in the whole list
 */
public record Listing<T>(List<T> items, long total) {}

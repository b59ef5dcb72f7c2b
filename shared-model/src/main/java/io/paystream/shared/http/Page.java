package io.paystream.shared.http;

import io.paystream.shared.error.ApiException;
import io.paystream.shared.json.JsonWriter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The {@code limit}/{@code offset} of a list request and the list envelope {@code
 * {"data":[…],"total","limit","offset"}}.
 *
 * @param limit 1–100
 * @param offset 0 to {@value #MAX_OFFSET} (a larger one reads as that: past the end of any list
 *     either way, and echoed in the envelope exactly, as JavaScript and a 64-bit reader both read
 *     it)
 */
public record Page(int limit, long offset) {
  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

  /**
   * The largest offset: 2^53 − 1, the largest integer a JSON reader in JavaScript holds exactly.
   */
  public static final long MAX_OFFSET = 9_007_199_254_740_991L;

  /**
   * Parses the query parameters; absent means the defaults.
   *
   * @throws ApiException 400 for a non-number, a limit outside 1–100 or a negative offset
   */
  public static Page of(UriInfo uri) {
    // Read from the query itself: an empty value ("limit=") is present, and not a number.
    MultivaluedMap<String, String> query = uri.getQueryParameters();
    return of(query.getFirst("limit"), query.getFirst("offset"));
  }

  /**
   * Parses the query parameters' values; {@code null} means absent, the default.
   *
   * @throws ApiException 400 for a non-number, a limit outside 1–100 or a negative offset
   */
  public static Page of(String limit, String offset) {
    long l = parse(limit, "limit", DEFAULT_LIMIT);
    long o = parse(offset, "offset", 0);
    if (l < 1 || l > MAX_LIMIT) {
      throw ApiException.badRequest("limit must be between 1 and 100", "limit");
    }
    if (o < 0) {
      throw ApiException.badRequest("offset must be 0 or more", "offset");
    }
    return new Page((int) l, Math.min(o, MAX_OFFSET));
  }

  /**
   * An integer in ASCII digits, with an optional sign, leading zeros and surrounding spaces; one
   * beyond 64 bits reads as the largest (or smallest) 64-bit integer. Anything else, a control
   * character included, is not a number.
   */
  private static long parse(String value, String name, long fallback) {
    if (value == null) {
      return fallback;
    }
    int from = 0;
    int to = value.length();
    while (from < to && value.charAt(from) == ' ') {
      from++;
    }
    while (to > from && value.charAt(to - 1) == ' ') {
      to--;
    }
    String v = value.substring(from, to);
    if (!v.matches("[+-]?[0-9]+")) {
      throw ApiException.badRequest(name + " must be an integer", name);
    }
    boolean negative = v.charAt(0) == '-';
    int digits = v.charAt(0) == '+' || negative ? 1 : 0;
    while (digits < v.length() - 1 && v.charAt(digits) == '0') {
      digits++;
    }
    String magnitude = v.substring(digits);
    if (magnitude.length() > 18) {
      return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    long parsed = Long.parseLong(magnitude);
    return negative ? -parsed : parsed;
  }

  /** Writes the list envelope. */
  public <T> byte[] envelope(List<T> items, long total, BiConsumer<T, JsonWriter> writeItem) {
    JsonWriter w = new JsonWriter().beginObject().name("data").beginArray();
    for (T item : items) {
      writeItem.accept(item, w);
    }
    w.endArray().name("total").value(total).name("limit").value(limit);
    return w.name("offset").value(offset).endObject().toBytes();
  }
}

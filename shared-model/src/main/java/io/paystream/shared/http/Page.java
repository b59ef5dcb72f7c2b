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
 * @param offset 0 or more
 */
public record Page(int limit, int offset) {
  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

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
    int l = parse(limit, "limit", DEFAULT_LIMIT);
    int o = parse(offset, "offset", 0);
    if (l < 1 || l > MAX_LIMIT) {
      throw ApiException.badRequest("limit must be between 1 and 100", "limit");
    }
    if (o < 0) {
      throw ApiException.badRequest("offset must be 0 or more", "offset");
    }
    return new Page(l, o);
  }

  private static int parse(String value, String name, int fallback) {
    if (value == null) {
      return fallback;
    }
    String v = value.trim();
    if (!v.matches("[+-]?\\d{1,18}")) {
      throw ApiException.badRequest(name + " must be an integer", name);
    }
    long parsed = Long.parseLong(v);
    if (parsed > Integer.MAX_VALUE) {
      return Integer.MAX_VALUE;
    }
    return (int) Math.max(parsed, Integer.MIN_VALUE);
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

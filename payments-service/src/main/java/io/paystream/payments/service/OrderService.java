package io.paystream.payments.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paystream.payments.Order;
import io.paystream.payments.repository.OrderRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.http.ApiResponse;
import io.paystream.shared.http.Listing;
import io.paystream.shared.http.Page;
import io.paystream.shared.id.Ids;
import io.paystream.shared.idempotency.IdempotencyKeys;
import io.paystream.shared.idempotency.IdempotentRun;
import io.paystream.shared.json.JsNumber;
import io.paystream.shared.json.Json;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.sql.InDoubt;
import io.paystream.shared.time.DatabaseClock;
import io.paystream.shared.web.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Creating and reading orders. */
@ApplicationScoped
public class OrderService {
  public static final long MIN_AMOUNT = 100;

  /** The largest amount JavaScript clients can hold exactly. */
  public static final long MAX_AMOUNT = JsNumber.MAX_SAFE_INTEGER;

  private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
  private static final int MAX_RECEIPT = 255;
  private static final int MAX_NOTES_BYTES = 16 * 1024;

  /** Fields whose own checks in {@link #validate} leave no U+0000 or lone surrogate in them. */
  private static final Set<String> CHECKED_FIELDS =
      Set.of("amount", "currency", "receipt", "notes");

  private final DatabaseClock clock;
  private final OrderRepository orders;
  private final IdempotentRun idempotent;
  private final Vertx vertx;

  public OrderService(
      OrderRepository orders, IdempotentRun idempotent, Vertx vertx, DatabaseClock clock) {
    this.clock = clock;
    this.orders = orders;
    this.idempotent = idempotent;
    this.vertx = vertx;
  }

  /**
   * Creates an order; the first fault is reported in the order amount, currency, receipt, notes.
   */
  public Uni<ApiResponse> create(
      Caller caller, String idempotencyKey, ObjectNode body, String path) {
    String key = IdempotencyKeys.validate(idempotencyKey);
    byte[] fingerprint = idempotent.fingerprint("POST", path, body);
    return idempotent.run(
        caller.merchantId(),
        key,
        fingerprint,
        storing -> {
          Order order = validate(caller, body);
          byte[] response = order.toBytes();
          return orders
              .insert(order, storing.response(201, response))
              .plug(
                  InDoubt.lookedUp(
                      vertx,
                      InDoubt.Subject.creation("order", order.id(), "/api/v1/orders/"),
                      () -> orders.exists(order.id(), order.merchantId()),
                      null))
              .map(done -> ApiResponse.created(response));
        });
  }

  public Uni<Order> get(Caller caller, String id) {
    if (!Ids.plausible(id)) {
      return Uni.createFrom().failure(notFound());
    }
    return orders
        .find(id, caller.merchantId())
        .map(
            o -> {
              if (o == null) {
                throw notFound();
              }
              return o;
            });
  }

  public Uni<byte[]> list(Caller caller, Page page) {
    return orders
        .list(caller.merchantId(), page)
        .map((Listing<Order> l) -> page.envelope(l.items(), l.total(), (o, w) -> o.write(w)));
  }

  /** What the checkout page shows: {@code {"id","amount","currency","status","merchant_name"}}. */
  public Uni<byte[]> getPublic(String id) {
    if (!Ids.plausible(id)) {
      return Uni.createFrom().failure(notFound());
    }
    return orders
        .findPublic(id)
        .map(
            o -> {
              if (o == null) {
                throw notFound();
              }
              JsonWriter w = new JsonWriter().beginObject();
              w.name("id").value(o.id()).name("amount").value(o.amount());
              w.name("currency").value(o.currency()).name("status").value(o.status());
              return w.name("merchant_name").value(o.merchantName()).endObject().toBytes();
            });
  }

  static ApiException notFound() {
    return ApiException.notFound("Order not found");
  }

  private static final String INEXACT_NOTES =
      "notes must not hold numbers JavaScript cannot read exactly (integers beyond"
          + " 9007199254740991 in size); send them as strings";

  /**
   * Whether {@code node} holds a number that would not come back as it was sent: an integer beyond
   * 2^53 - 1 in size, or one too large for any double. They are written as JavaScript reads them,
   * so such a number would be changed silently (an id ending in 3 coming back ending in 2), and two
   * orders differing only there would have one fingerprint.
   */
  private static boolean inexact(JsonNode node) {
    if (node.isContainerNode()) {
      for (JsonNode item : node) {
        if (inexact(item)) {
          return true;
        }
      }
      return false;
    }
    if (node.isIntegralNumber()) {
      return !node.canConvertToLong() || Math.abs(node.longValue()) > JsNumber.MAX_SAFE_INTEGER;
    }
    return node.isNumber() && !Double.isFinite(node.doubleValue());
  }

  /** The body's fields are checked in the order amount, currency, receipt, notes, then the rest. */
  private Order validate(Caller caller, ObjectNode body) {
    long amount = amount(body.get("amount"));
    String currency = currency(body.get("currency"));
    JsonNode receipt = body.get("receipt");
    if (receipt != null && !receipt.isNull()) {
      if (!receipt.isTextual()) {
        throw ApiException.badRequest("receipt must be a string", "receipt");
      }
      Json.refuseUnstorable("receipt", receipt);
      if (Json.characters(receipt.textValue()) > MAX_RECEIPT) {
        throw ApiException.badRequest("receipt must be at most 255 characters", "receipt");
      }
    }
    JsonNode notes = body.get("notes");
    String notesJson = "{}";
    if (notes != null && !notes.isNull()) {
      if (!notes.isObject()) {
        throw ApiException.badRequest("notes must be a JSON object", "notes");
      }
      Json.refuseUnstorable("notes", notes);
      if (inexact(notes)) {
        throw ApiException.badRequest(INEXACT_NOTES, "notes");
      }
      JsonWriter written = new JsonWriter().value(notes);
      if (written.length() > MAX_NOTES_BYTES) {
        throw ApiException.badRequest("notes must be at most 16 KB", "notes");
      }
      notesJson = written.toString();
    }
    for (Map.Entry<String, JsonNode> field : body.properties()) {
      if (!CHECKED_FIELDS.contains(field.getKey())) {
        Json.refuseUnstorable(field.getKey(), field.getValue());
      }
    }
    Instant now = clock.now();
    return new Order(
        Ids.order(),
        caller.merchantId(),
        amount,
        currency,
        receipt == null || receipt.isNull() ? null : receipt.textValue(),
        notesJson,
        Order.CREATED,
        now,
        now);
  }

  private static long amount(JsonNode v) {
    if (v == null || v.isNull()) {
      throw ApiException.badRequest("amount is required", "amount");
    }
    if (!v.isIntegralNumber()) {
      // A string or a fraction: the words API.md gives for both.
      throw ApiException.badRequest("amount must be at least 100", "amount");
    }
    if (v.canConvertToLong() ? v.longValue() > MAX_AMOUNT : v.bigIntegerValue().signum() > 0) {
      throw ApiException.badRequest("amount must be at most " + MAX_AMOUNT, "amount");
    }
    if (!v.canConvertToLong() || v.longValue() < MIN_AMOUNT) {
      throw ApiException.badRequest("amount must be at least 100", "amount");
    }
    return v.longValue();
  }

  private static String currency(JsonNode v) {
    if (v == null || v.isNull()) {
      return "INR";
    }
    if (!v.isTextual() || !CURRENCY.matcher(v.textValue()).matches()) {
      throw ApiException.badRequest("currency must be 3 uppercase letters", "currency");
    }
    return v.textValue();
  }
}

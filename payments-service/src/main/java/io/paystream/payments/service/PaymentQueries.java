package io.paystream.payments.service;

import io.paystream.payments.repository.PaymentReadRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.PaymentView;
import io.paystream.shared.http.Page;
import io.paystream.shared.id.Ids;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.web.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** Reading payments: one, a page, the merchant's totals, and the checkout page's view. */
@ApplicationScoped
public class PaymentQueries {
  private static final Set<String> STATUSES =
      Set.of(PaymentView.PENDING, PaymentView.SUCCESS, PaymentView.FAILED);

  private final PaymentReadRepository payments;

  public PaymentQueries(PaymentReadRepository payments) {
    this.payments = payments;
  }

  static ApiException notFound() {
    return ApiException.notFound("Payment not found");
  }

  public Uni<byte[]> get(Caller caller, String id) {
    if (!Ids.plausible(id)) {
      return Uni.createFrom().failure(notFound());
    }
    return payments.find(id, caller.merchantId()).map(p -> found(p).toBytes());
  }

  public Uni<byte[]> list(Caller caller, Page page, String status) {
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.badRequest("status must be pending, success or failed", "status");
    }
    return payments
        .list(caller.merchantId(), status, page)
        .map(l -> page.envelope(l.items(), l.total(), (p, w) -> p.write(w)));
  }

  /** {@code {"total_transactions","total_amount","success_rate"}}. */
  public Uni<byte[]> stats(Caller caller) {
    return payments
        .stats(caller.merchantId())
        .map(s -> writeStats(new JsonWriter().beginObject(), s).endObject().toBytes());
  }

  /**
   * {@code {"data":[{"currency","total_transactions","total_amount","success_rate"}]}}: the same
   * totals per currency (an amount summed over currencies adds paise to cents), by currency code.
   */
  public Uni<byte[]> statsByCurrency(Caller caller) {
    return payments
        .statsByCurrency(caller.merchantId())
        .map(
            all -> {
              JsonWriter w = new JsonWriter().beginObject().name("data").beginArray();
              for (PaymentReadRepository.CurrencyStats c : all) {
                writeStats(w.beginObject().name("currency").value(c.currency()), c.stats())
                    .endObject();
              }
              return w.endArray().endObject().toBytes();
            });
  }

  private static JsonWriter writeStats(JsonWriter w, PaymentReadRepository.Stats s) {
    double rate = s.total() == 0 ? 0 : 100.0 * s.successful() / s.total();
    w.name("total_transactions").value(s.total());
    w.name("total_amount").value(s.successfulAmount());
    return w.name("success_rate").value(rate);
  }

  /**
   * {@code
   * {"id","order_id","amount","currency","method","status","error_code","error_description"}}.
   */
  public Uni<byte[]> getPublic(String id) {
    if (!Ids.plausible(id)) {
      return Uni.createFrom().failure(notFound());
    }
    return payments
        .find(id)
        .map(
            found -> {
              PaymentView p = found(found);
              JsonWriter w = new JsonWriter().beginObject();
              w.name("id").value(p.id()).name("order_id").value(p.orderId());
              w.name("amount").value(p.amount()).name("currency").value(p.currency());
              w.name("method").value(p.method()).name("status").value(p.status());
              w.name("error_code").value(p.errorCode());
              return w.name("error_description").value(p.errorDescription()).endObject().toBytes();
            });
  }

  private static PaymentView found(PaymentView p) {
    if (p == null) {
      throw notFound();
    }
    return p;
  }
}

package io.paystream.refunds.service;

import io.paystream.refunds.repository.RefundPages;
import io.paystream.refunds.repository.RefundRepository;
import io.paystream.shared.error.ApiException;
import io.paystream.shared.event.RefundView;
import io.paystream.shared.http.Page;
import io.paystream.shared.id.Ids;
import io.paystream.shared.web.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reading refunds: one, a merchant's page, a payment's page. */
@ApplicationScoped
public class RefundQueries {
  private final RefundRepository refunds;
  private final RefundPages pages;
  private final PaymentSightings sightings;

  public RefundQueries(RefundRepository refunds, RefundPages pages, PaymentSightings sightings) {
    this.refunds = refunds;
    this.pages = pages;
    this.sightings = sightings;
  }

  public Uni<byte[]> get(Caller caller, String id) {
    if (!Ids.plausible(id)) {
      return Uni.createFrom().failure(notFound());
    }
    return refunds
        .find(id, caller.merchantId())
        .map(
            r -> {
              if (r == null) {
                throw notFound();
              }
              return r.toBytes();
            });
  }

  public Uni<byte[]> list(Caller caller, Page page) {
    return pages
        .ofMerchant(caller.merchantId(), page)
        .map(l -> page.envelope(l.items(), l.total(), RefundView::write));
  }

  /**
   * A page of a payment's refunds. A payment this service has not heard of yet is waited for (a
   * payment that exists is never 404 here).
   */
  public Uni<byte[]> ofPayment(Caller caller, String paymentId, Page page) {
    if (!Ids.looksLike(Ids.PAYMENT, paymentId)) {
      return Uni.createFrom().failure(PaymentSightings.notFound());
    }
    return ofPayment(caller, paymentId, page, sightings.deadline(), false);
  }

  private Uni<byte[]> ofPayment(
      Caller caller, String paymentId, Page page, long deadline, boolean last) {
    return pages
        .ofPayment(paymentId, caller.merchantId(), page)
        .chain(
            found -> {
              if (caller.merchantId().equals(found.owner())) {
                var l = found.refunds();
                return Uni.createFrom()
                    .item(page.envelope(l.items(), l.total(), RefundView::write));
              }
              if (last) {
                throw PaymentSightings.notFound();
              }
              if (PaymentSightings.passed(deadline)) {
                return sightings.lastLook(
                    paymentId, () -> ofPayment(caller, paymentId, page, deadline, true));
              }
              return sightings
                  .awaitNews(paymentId, caller.merchantId(), false, deadline)
                  .chain(() -> ofPayment(caller, paymentId, page, deadline, false));
            });
  }

  static ApiException notFound() {
    return ApiException.notFound("Refund not found");
  }
}

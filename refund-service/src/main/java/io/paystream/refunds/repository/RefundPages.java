package io.paystream.refunds.repository;

import io.paystream.shared.event.RefundView;
import io.paystream.shared.http.Listing;
import io.paystream.shared.http.Page;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Pages of refunds, newest first, each with its total, in one statement. */
@ApplicationScoped
public class RefundPages {
  private static final String OF_MERCHANT =
      "SELECT (SELECT count(*) FROM "
          + Tables.REFUNDS
          + " WHERE merchant_id = $1) AS total, r.* FROM (SELECT 1) one LEFT JOIN (SELECT "
          + RefundRepository.COLUMNS
          + " FROM "
          + Tables.REFUNDS
          + " WHERE merchant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) r ON true";

  private static final String OF_PAYMENT =
      "SELECT (SELECT merchant_id FROM "
          + Tables.PAYMENTS
          + " WHERE id = $1) AS owner, (SELECT count(*) FROM "
          + Tables.REFUNDS
          + " WHERE payment_id = $1 AND merchant_id = $2) AS total, r.* FROM (SELECT 1) one"
          + " LEFT JOIN (SELECT "
          + RefundRepository.COLUMNS
          + " FROM "
          + Tables.REFUNDS
          + " WHERE payment_id = $1 AND merchant_id = $2 ORDER BY created_at DESC, id DESC"
          + " LIMIT $3 OFFSET $4) r ON true";

  private final Pool pool;

  public RefundPages(Pool pool) {
    this.pool = pool;
  }

  /**
   * A page of one payment's refunds.
   *
   * @param owner the payment's merchant, {@code null} when no event about the payment arrived yet
   */
  public record OfPayment(UUID owner, Listing<RefundView> refunds) {}

  /** A page of the merchant's refunds. */
  public Uni<Listing<RefundView>> ofMerchant(UUID merchantId, Page page) {
    return pool.preparedQuery(OF_MERCHANT)
        .execute(Tuple.of(merchantId, page.limit(), page.offset()))
        .map(RefundPages::listing);
  }

  /** A page of a payment's refunds, with the payment's owner. */
  public Uni<OfPayment> ofPayment(String paymentId, UUID merchantId, Page page) {
    return pool.preparedQuery(OF_PAYMENT)
        .execute(Tuple.of(paymentId, merchantId, page.limit(), page.offset()))
        .map(rows -> new OfPayment(Rows.first(rows).getUUID("owner"), listing(rows)));
  }

  private static Listing<RefundView> listing(RowSet<Row> rows) {
    return new Listing<>(RefundRepository.page(rows), Rows.first(rows).getLong("total"));
  }
}

package io.paystream.payments.repository;

import io.paystream.shared.event.PaymentView;
import io.paystream.shared.http.Listing;
import io.paystream.shared.http.Page;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reading payments: one, a page, a merchant's totals. */
@ApplicationScoped
public class PaymentReadRepository {
  private static final String VIEW_COLUMNS = PaymentRepository.VIEW_COLUMNS;

  private final Pool pool;

  public PaymentReadRepository(Pool pool) {
    this.pool = pool;
  }

  /** The merchant's payment, or {@code null} (also for another merchant's). */
  public Uni<PaymentView> find(String id, UUID merchantId) {
    return pool.preparedQuery(
            "SELECT "
                + VIEW_COLUMNS
                + " FROM "
                + Tables.PAYMENTS
                + " WHERE id = $1 AND merchant_id = $2")
        .execute(Tuple.of(id, merchantId))
        .map(rows -> PaymentRepository.view(Rows.first(rows)));
  }

  /** Any merchant's payment, or {@code null}. */
  public Uni<PaymentView> find(String id) {
    return pool.preparedQuery(
            "SELECT " + VIEW_COLUMNS + " FROM " + Tables.PAYMENTS + " WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> PaymentRepository.view(Rows.first(rows)));
  }

  /** A page of the merchant's payments, newest first, optionally of one status. */
  public Uni<Listing<PaymentView>> list(UUID merchantId, String status, Page page) {
    String filter = status == null ? "" : " AND status = $4";
    String sql =
        "SELECT (SELECT count(*) FROM "
            + Tables.PAYMENTS
            + " WHERE merchant_id = $1"
            + filter
            + ") AS total, p.* FROM (SELECT 1) one LEFT JOIN (SELECT "
            + VIEW_COLUMNS
            + " FROM "
            + Tables.PAYMENTS
            + " WHERE merchant_id = $1"
            + filter
            + " ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) p ON true";
    Tuple args = Tuple.of(merchantId, page.limit(), page.offset());
    if (status != null) {
      args.addString(status);
    }
    return pool.preparedQuery(sql)
        .execute(args)
        .map(
            rows -> {
              List<PaymentView> items = new ArrayList<>();
              long total = 0;
              for (Row r : rows) {
                total = r.getLong("total");
                if (r.getString("id") != null) {
                  items.add(PaymentRepository.view(r));
                }
              }
              return new Listing<>(items, total);
            });
  }

  /**
   * A merchant's payment counts, and the sum of its successful payments' amounts: a double, which
   * is what the JSON of it says anyway (numbers as JavaScript reads them), and which, unlike a
   * long, does not wrap past 2^63.
   */
  public record Stats(long total, long successful, double successfulAmount) {
    static final Stats NONE = new Stats(0, 0, 0);

    Stats plus(Stats other) {
      return new Stats(
          total + other.total,
          successful + other.successful,
          successfulAmount + other.successfulAmount);
    }
  }

  /** The totals of the payments in one currency. */
  public record CurrencyStats(String currency, Stats stats) {}

  /** Totals over the merchant's payments, whatever their currency. */
  public Uni<Stats> stats(UUID merchantId) {
    return statsByCurrency(merchantId)
        .map(all -> all.stream().map(CurrencyStats::stats).reduce(Stats.NONE, Stats::plus));
  }

  /** Totals over the merchant's payments, per currency, by currency code. */
  public Uni<List<CurrencyStats>> statsByCurrency(UUID merchantId) {
    return pool.preparedQuery(
            "SELECT currency, count(*) AS total, count(*) FILTER (WHERE status = 'success') AS ok,"
                + " coalesce(sum(amount) FILTER (WHERE status = 'success'), 0) AS amount FROM "
                + Tables.PAYMENTS
                + " WHERE merchant_id = $1 GROUP BY currency ORDER BY currency")
        .execute(Tuple.of(merchantId))
        .map(
            rows -> {
              List<CurrencyStats> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new CurrencyStats(
                        r.getString("currency"),
                        new Stats(
                            r.getLong("total"),
                            r.getLong("ok"),
                            r.getNumeric("amount").doubleValue())));
              }
              return out;
            });
  }
}

package io.paystream.payments.rest;

import io.paystream.payments.Merchant;
import io.paystream.payments.repository.MerchantRepository;
import io.paystream.payments.service.JobStatusService;
import io.paystream.shared.json.JsonWriter;
import io.paystream.shared.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** The test helpers: {@code /api/v1/test/*}. */
@Path("/api/v1/test")
public class OperationsResource {
  private final JobStatusService jobs;
  private final MerchantRepository merchants;

  public OperationsResource(JobStatusService jobs, MerchantRepository merchants) {
    this.jobs = jobs;
    this.merchants = merchants;
  }

  @GET
  @Path("/jobs/status")
  public Uni<Response> jobStatus() {
    return jobs.status().map(Responses::ok);
  }

  @GET
  @Path("/merchant")
  public Uni<Response> testMerchant() {
    return merchants
        .byId(Merchant.TEST_ID)
        .map(
            m -> {
              JsonWriter w = new JsonWriter().beginObject();
              w.name("id").value(Merchant.TEST_ID.toString());
              w.name("email")
                  .value(Merchant.TEST_EMAIL)
                  .name("api_key")
                  .value(Merchant.TEST_API_KEY);
              return Responses.ok(w.name("seeded").value(m != null).endObject().toBytes());
            });
  }
}

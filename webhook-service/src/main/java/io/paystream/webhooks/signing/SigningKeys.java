package io.paystream.webhooks.signing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.paystream.shared.security.SecretBox;
import io.paystream.shared.signing.SigningSecret;
import io.paystream.webhooks.MerchantSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Opens sealed signing secrets, once per sealed value: a rotation seals a new value, so a cached
 * entry is never stale, and every instance signs with what the database says at claim time.
 */
@ApplicationScoped
public class SigningKeys {
  private static final Logger LOG = Logger.getLogger(SigningKeys.class);

  private final SecretBox box;
  private final Cache<String, SigningSecret> opened =
      Caffeine.newBuilder().maximumSize(20_000).build();

  public SigningKeys(SecretBox box) {
    this.box = box;
  }

  /**
   * The secrets that sign at {@code now}, newest first; empty when the merchant has none this
   * instance can open (none arrived yet, or sealed under another encryption key).
   */
  public List<SigningSecret> live(MerchantSecrets s, Instant now) {
    List<SigningSecret> out = new ArrayList<>(1 + s.retired().size());
    SigningSecret current = open(s.current());
    if (current != null) {
      out.add(current);
      for (MerchantSecrets.Retired r : s.retired()) {
        SigningSecret retired = r.live(now) ? open(r.sealed()) : null;
        if (retired != null) {
          out.add(retired);
        }
      }
    }
    return out;
  }

  /** The clear secret, or {@code null} when it cannot be opened. */
  public SigningSecret open(String sealed) {
    if (sealed == null) {
      return null;
    }
    return opened.get(
        sealed,
        s -> {
          try {
            return SigningSecret.of(box.open(s));
          } catch (IllegalArgumentException e) {
            LOG.error("a signing secret cannot be opened: is ENCRYPTION_KEY the same everywhere?");
            return null;
          }
        });
  }

  /** Seals a new secret for storage. */
  public String seal(String clear) {
    return box.seal(clear);
  }
}

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Checks that a webhook really comes from Paystream (Java 17+, no dependencies). */
public final class VerifyWebhook {
  private static final long TOLERANCE_SECONDS = 300;
  private static final Pattern BASE64 =
      Pattern.compile("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$");

  private VerifyWebhook() {}

  /**
   * X-Webhook-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the secret. It signs
   * the body alone, so a delivery captured once passes it again later: prefer {@link
   * #verifyStandard}, and if you rely on this one, handle each event once by what the body says.
   */
  public static boolean verifySignature(byte[] rawBody, String header, String secret) {
    if (header == null) return false;
    byte[] expected = hmac(secret.getBytes(StandardCharsets.UTF_8), rawBody);
    return MessageDigest.isEqual(
        HexFormat.of().formatHex(expected).getBytes(StandardCharsets.US_ASCII),
        header.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }

  /** Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature ("v1,<base64>" ...). */
  public static boolean verifyStandard(
      byte[] rawBody, String id, String timestamp, String signatures, String secret) {
    if (id == null || timestamp == null || signatures == null || !timestamp.matches("\\d{1,12}")) {
      return false;
    }
    long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
    if (age > TOLERANCE_SECONDS) return false; // refuse replays
    byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] expected = hmac(signingKey(secret), prefix, rawBody);
    for (String signature : signatures.split(" ")) {
      if (signature.startsWith("v1,")) {
        byte[] given;
        try {
          given = Base64.getDecoder().decode(signature.substring(3));
        } catch (IllegalArgumentException notBase64) {
          continue;
        }
        if (MessageDigest.isEqual(expected, given)) return true;
      }
    }
    return false;
  }

  /** The base64-decoded part after "whsec_" when it is valid base64, else the whole secret. */
  static byte[] signingKey(String secret) {
    String rest = secret.startsWith("whsec_") ? secret.substring(6) : "";
    return !rest.isEmpty() && BASE64.matcher(rest).matches()
        ? Base64.getDecoder().decode(rest)
        : secret.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] hmac(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] part : parts) mac.update(part);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}

package io.paystream.webhooks.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which webhook targets are acceptable: only {@code http(s)} URLs with a host, and, unless the
 * deployment allows private targets, no loopback, private, link-local (where cloud metadata
 * services live), shared, reserved or internal-only names and addresses. Pure logic; names are
 * resolved by {@link TargetResolver}.
 */
public final class TargetGuard {
  public static final int MAX_URL_LENGTH = 2048;

  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /** A last label no top-level domain has: resolvers read such hosts as numeric addresses. */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

  private static final List<String> INTERNAL_SUFFIXES =
      List.of(
          ".localhost",
          ".local",
          ".internal",
          ".localdomain",
          ".home.arpa",
          ".svc",
          ".intranet",
          ".lan");

  private TargetGuard() {}

  /**
   * A URL accepted in form.
   *
   * @param host lower case, without brackets or a trailing dot
   * @param literal the address when the host is one, else {@code null}
   */
  public record Target(URI uri, String host, int port, InetAddress literal) {}

  /** Thrown for a URL that is not acceptable; the message is for the merchant. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses a URL and checks its form: {@code http(s)}, a host, no credentials. */
  public static Target parse(String url) throws Refused {
    // Characters are code points, as every other length of the API: an emoji is one.
    if (url == null
        || url.isEmpty()
        || url.length() > 2 * MAX_URL_LENGTH
        || url.codePointCount(0, url.length()) > MAX_URL_LENGTH) {
      throw new Refused("url must be an http or https URL of at most 2048 characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new Refused("url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Refused("url must use http or https");
    }
    if (uri.getRawUserInfo() != null) {
      throw new Refused("url must not contain credentials");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      // Why URI found no host: a host name that is not ASCII, or a port that is no number (or too
      // long a one), leave it without one as well as a malformed name does.
      String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
      if (authority.chars().anyMatch(c -> c >= 0x80)) {
        // Converting it is not ours to do: IDNA 2003 (the JDK's) and UTS 46 (browsers') give
        // different domains for some names (straße.de is strasse.de to one, xn--strae-oqa.de to the
        // other), and events signed for a merchant must never go to a domain it did not name.
        throw new Refused(
            "url must give an internationalized host name in its ASCII form (xn--…), as the"
                + " merchant's DNS names it");
      }
      if (HOST_AND_PORT.matcher(authority).matches()) {
        throw new Refused("url must have a port between 1 and 65535");
      }
      throw new Refused("url must have a valid host name");
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (uri.getPort() == 0 || uri.getPort() > 65_535) {
      throw new Refused("url must have a port between 1 and 65535");
    }
    int port = uri.getPort() < 0 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
    return new Target(uri, host, port, literal(host));
  }

  /** A host name, then a port that is not 1–65535 digits. */
  private static final Pattern HOST_AND_PORT = Pattern.compile("[A-Za-z0-9.-]+:(?![0-9]{1,5}$).*");

  /** Why a target's host may not be used when private targets are not allowed, or {@code null}. */
  public static String refusedHost(Target t) {
    if (t.literal() != null) {
      return refusedAddress(t.literal());
    }
    String h = t.host();
    if (h.equals("localhost") || h.indexOf('.') < 0) {
      return "url must not point to a local or internal host";
    }
    for (String suffix : INTERNAL_SUFFIXES) {
      if (h.endsWith(suffix)) {
        return "url must not point to a local or internal host";
      }
    }
    return null;
  }

  /** Why an address may not be used when private targets are not allowed, or {@code null}. */
  public static String refusedAddress(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      InetAddress embedded = embeddedV4(b);
      if (embedded != null) {
        return refusedAddress(embedded);
      }
      if ((b[0] & 0xfe) == 0xfc || (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
        return "url must not point to a private address";
      }
    }
    if (a.isAnyLocalAddress()) {
      return "url must not point to an unspecified address";
    }
    if (a.isLoopbackAddress()) {
      return "url must not point to a loopback address";
    }
    if (a.isLinkLocalAddress()) {
      return "url must not point to a link-local or metadata address";
    }
    if (a.isSiteLocalAddress()) {
      return "url must not point to a private address";
    }
    if (a.isMulticastAddress()) {
      return "url must not point to a multicast address";
    }
    return a instanceof Inet4Address
        ? refusedV4(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff)
        : refusedV6(b);
  }

  /**
   * Global unicast is 2000::/3; the rest of the IPv6 space not refused above is reserved (100::/64
   * discard-only, 5f00::/16 SRv6, 64:ff9b:1::/48 NAT64 for local use, whose IPv4 address is one of
   * the network's own, unassigned blocks). Within it: 2001::/23, IETF protocol assignments (Teredo,
   * 2001::/32, among them: its address carries an IPv4 address of any kind, obfuscated), and
   * documentation, 2001:db8::/32 and 3fff::/20. No endpoint lives in any of them.
   */
  private static String refusedV6(byte[] b) {
    int first = (b[0] & 0xff) << 8 | b[1] & 0xff;
    int second = (b[2] & 0xff) << 8 | b[3] & 0xff;
    boolean reserved =
        (b[0] & 0xe0) != 0x20
            || first == 0x2001 && (second < 0x0200 || second == 0x0db8)
            || first == 0x3fff && second < 0x1000;
    return reserved ? "url must not point to a reserved address" : null;
  }

  private static String refusedV4(int a, int b, int c) {
    if (a == 0 || a >= 240) {
      return "url must not point to a reserved address";
    }
    if (a == 100 && (b & 0xc0) == 64) {
      return "url must not point to a shared (carrier-grade NAT) address";
    }
    if (a == 192 && b == 0 && (c == 0 || c == 2)
        || a == 198 && (b == 18 || b == 19 || b == 51 && c == 100)
        || a == 203 && b == 0 && c == 113) {
      return "url must not point to a reserved address";
    }
    return null;
  }

  /**
   * The IPv4 address inside an IPv4-mapped, -compatible, -translated ({@code ::ffff:0:a.b.c.d}),
   * NAT64 ({@code 64:ff9b::/96}) or 6to4 IPv6 address.
   */
  private static InetAddress embeddedV4(byte[] b) {
    boolean zeros64 = true;
    for (int i = 0; i < 8; i++) {
      zeros64 &= b[i] == 0;
    }
    boolean zeros80 = zeros64 && b[8] == 0 && b[9] == 0;
    boolean mapped = zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean translated =
        zeros64 && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0;
    boolean compatible = zeros80 && b[10] == 0 && b[11] == 0 && (b[12] | b[13] | b[14]) != 0;
    boolean nat64 =
        (b[0] & 0xff) == 0x00
            && (b[1] & 0xff) == 0x64
            && (b[2] & 0xff) == 0xff
            && (b[3] & 0xff) == 0x9b
            && !(b[4] == 0 && b[5] == 1); // 64:ff9b:1::/48 lays its IPv4 address out otherwise
    byte[] v4;
    if (mapped || translated || compatible || nat64) {
      v4 = new byte[] {b[12], b[13], b[14], b[15]};
    } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      v4 = new byte[] {b[2], b[3], b[4], b[5]};
    } else {
      return null;
    }
    try {
      return InetAddress.getByAddress(v4);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The address a host names literally, or {@code null} for a name. Never asks DNS. */
  private static InetAddress literal(String host) throws Refused {
    try {
      if (host.startsWith("[") && host.endsWith("]")) {
        return InetAddress.getByName(host.substring(1, host.length() - 1));
      }
      if (DOTTED_QUAD.matcher(host).matches()) {
        return InetAddress.getByName(host);
      }
    } catch (UnknownHostException e) {
      throw new Refused("url must have a valid host name");
    }
    if (NUMERIC_LABEL.matcher(host.substring(host.lastIndexOf('.') + 1)).matches()) {
      // 2130706433, 0x7f.1, 0177.0.0.1, 127.1: read as addresses, in ways resolvers disagree on.
      throw new Refused("url host must be a name or a canonical IP address");
    }
    return null;
  }
}

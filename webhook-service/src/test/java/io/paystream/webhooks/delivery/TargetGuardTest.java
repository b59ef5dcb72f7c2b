package io.paystream.webhooks.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetGuardTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1/",
        "http://127.255.1.2:8080/x",
        "http://10.0.0.1/",
        "http://172.31.255.255/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest",
        "http://100.64.0.1/",
        "http://100.100.100.200/",
        "http://0.0.0.0/",
        "http://255.255.255.255/",
        "http://240.0.0.1/",
        "http://224.0.0.1/",
        "http://198.18.0.1/",
        "http://192.0.2.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fc00::1]/",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1%251]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[::ffff:0:7f00:1]/",
        "http://[::ffff:0:a9fe:a9fe]/",
        "http://[64:ff9b:1::5db8:d70e]/",
        "http://[2002:7f00:1::1]/",
        "http://[2001:db8::1]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
        "http://[2001:1ff:ffff::1]/",
        "http://[100::1]/",
        "http://[100:0:0:1::1]/",
        "http://[5f00::1]/",
        "http://[3fff::1]/",
        "http://[4000::1]/",
        "http://localhost/",
        "http://a.localhost/",
        "http://printer.local/",
        "http://metadata.google.internal/",
        "http://redis/",
        "http://svc.ns.svc/",
        "http://box.lan/",
        "http://host.home.arpa/"
      })
  void privateTargetsAreRefused(String url) throws Exception {
    assertNotNull(TargetGuard.refusedHost(TargetGuard.parse(url)), url);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://hooks.example.com/stripe", "http://93.184.215.14/", "https://[2606:4700::1111]/x",
        "http://8.8.8.8:8080/a?b=c", "https://cafe.be/hook", "https://shop.io./hook",
        "http://172.32.0.1/", "http://100.128.0.1/", "http://11.0.0.1/",
        "http://[2001:200::1]/", "http://[3ffe::1]/", "http://[2a00:1450::1]/"
      })
  void publicTargetsAreAllowed(String url) throws Exception {
    assertNull(TargetGuard.refusedHost(TargetGuard.parse(url)), url);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://x/",
        "javascript:alert(1)",
        "http:///path",
        "http://user:pw@example.com/",
        "not a url",
        "//example.com/x",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://example.123/",
        "http://exa_mple.com/",
        "http://example.com:99999/",
        "https://example.com:0/"
      })
  void malformedOrAmbiguousUrlsAreRefusedAlways(String url) {
    assertThrows(TargetGuard.Refused.class, () -> TargetGuard.parse(url), url);
  }

  @org.junit.jupiter.api.Test
  void parsesPortsAndNormalizesHosts() throws Exception {
    TargetGuard.Target t = TargetGuard.parse("HTTPS://Hooks.Example.COM./x");
    assertEquals("hooks.example.com", t.host());
    assertEquals(443, t.port());
    assertEquals(80, TargetGuard.parse("http://example.com/").port());
    assertEquals(8443, TargetGuard.parse("https://example.com:8443/").port());
    assertEquals(InetAddress.getByName("::1"), TargetGuard.parse("http://[::1]:1/").literal());
    assertThrows(
        TargetGuard.Refused.class, () -> TargetGuard.parse("http://e.com/" + "x".repeat(2048)));
  }

  /** The 2,048 characters of a URL are code points: an emoji is one, not two UTF-16 units. */
  @org.junit.jupiter.api.Test
  void aUrlsLengthCountsCharactersNotUtf16Units() throws Exception {
    String prefix = "https://example.com/";
    String emoji = "\uD83D\uDE00";
    String longest = prefix + emoji.repeat(2048 - prefix.length());
    assertEquals("example.com", TargetGuard.parse(longest).host());
    assertThrows(TargetGuard.Refused.class, () -> TargetGuard.parse(longest + "x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://Bücher.example/h", "https://straße.de:8443/h", "http://bücher/"})
  void anInternationalizedHostNameIsAskedForInItsAsciiForm(String url) {
    TargetGuard.Refused r =
        assertThrows(TargetGuard.Refused.class, () -> TargetGuard.parse(url), url);
    assertTrue(r.getMessage().contains("in its ASCII form (xn--…)"), r.getMessage());
  }

  @org.junit.jupiter.api.Test
  void anAsciiHostNameIsTakenWithAnyPath() throws Exception {
    TargetGuard.Target t = TargetGuard.parse("https://xn--bcher-kva.example:8443/ü?q=ä#f");
    assertEquals("https://xn--bcher-kva.example:8443/ü?q=ä#f", t.uri().toString());
    assertEquals("xn--bcher-kva.example", t.host());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com:99999999999/",
        "http://example.com:-1/",
        "http://example.com:abc/",
        "http://example.com:65536/"
      })
  void aPortThatIsNoPortIsNamedAsSuch(String url) {
    TargetGuard.Refused r =
        assertThrows(TargetGuard.Refused.class, () -> TargetGuard.parse(url), url);
    assertEquals("url must have a port between 1 and 65535", r.getMessage());
  }
}

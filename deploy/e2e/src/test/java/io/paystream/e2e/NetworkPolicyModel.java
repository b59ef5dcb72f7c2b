package io.paystream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What rendered NetworkPolicies let through, by the rules of the Kubernetes API: a pod that no
 * policy selects for a direction is open in that direction; one that some policy selects is open
 * only to what a rule of one of them allows; a connection needs both the source's egress and the
 * destination's ingress. Addresses outside the cluster have no policies of their own.
 */
final class NetworkPolicyModel {
  /**
   * A pod (its namespace, labels, named container ports and address) or, with a {@code null}
   * namespace, an address outside the cluster.
   */
  record Peer(String namespace, Map<String, String> labels, Map<String, Integer> ports, String ip) {
    static Peer outside(String ip) {
      return new Peer(null, Map.of(), Map.of(), ip);
    }

    static Peer pod(String namespace, Map<String, String> labels, String ip) {
      return new Peer(namespace, labels, Map.of(), ip);
    }
  }

  private final List<JsonNode> policies = new ArrayList<>();

  NetworkPolicyModel(List<JsonNode> objects) {
    for (JsonNode o : objects) {
      if (o.path("kind").asText().equals("NetworkPolicy")) {
        policies.add(o);
      }
    }
  }

  /** Whether {@code from} may open a connection to {@code port}/{@code protocol} of {@code to}. */
  boolean allows(Peer from, Peer to, String protocol, int port) {
    return open(from, "Egress", to, to, protocol, port)
        && open(to, "Ingress", from, to, protocol, port);
  }

  private boolean open(
      Peer pod, String direction, Peer other, Peer destination, String protocol, int port) {
    if (pod.namespace() == null) {
      return true;
    }
    boolean selected = false;
    for (JsonNode policy : policies) {
      String namespace = policy.path("metadata").path("namespace").asText();
      JsonNode spec = policy.path("spec");
      if (!namespace.equals(pod.namespace())
          || !types(spec).contains(direction)
          || !selects(spec.path("podSelector"), pod.labels())) {
        continue;
      }
      selected = true;
      boolean ingress = direction.equals("Ingress");
      for (JsonNode rule : spec.path(ingress ? "ingress" : "egress")) {
        if (peers(rule.path(ingress ? "from" : "to"), namespace, other)
            && ports(rule.path("ports"), destination, protocol, port)) {
          return true;
        }
      }
    }
    return !selected;
  }

  private static List<String> types(JsonNode spec) {
    List<String> types = new ArrayList<>();
    if (spec.has("policyTypes")) {
      spec.path("policyTypes").forEach(t -> types.add(t.asText()));
      return types;
    }
    types.add("Ingress");
    if (spec.has("egress")) {
      types.add("Egress");
    }
    return types;
  }

  private static boolean peers(JsonNode peers, String policyNamespace, Peer other) {
    if (peers.isMissingNode() || peers.isEmpty()) {
      return true;
    }
    for (JsonNode peer : peers) {
      if (peer.has("ipBlock")) {
        if (other.ip() != null && inBlock(peer.path("ipBlock"), other.ip())) {
          return true;
        }
        continue;
      }
      if (other.namespace() == null) {
        continue;
      }
      boolean namespaceMatches =
          peer.has("namespaceSelector")
              ? selects(
                  peer.path("namespaceSelector"),
                  Map.of("kubernetes.io/metadata.name", other.namespace()))
              : policyNamespace.equals(other.namespace());
      boolean podMatches =
          !peer.has("podSelector") || selects(peer.path("podSelector"), other.labels());
      if (namespaceMatches && podMatches) {
        return true;
      }
    }
    return false;
  }

  private static boolean ports(JsonNode ports, Peer destination, String protocol, int port) {
    if (ports.isMissingNode() || ports.isEmpty()) {
      return true;
    }
    for (JsonNode p : ports) {
      if (!p.path("protocol").asText("TCP").equals(protocol)) {
        continue;
      }
      JsonNode number = p.path("port");
      if (number.isMissingNode()
          || number.isTextual()
              && Integer.valueOf(port).equals(destination.ports().get(number.asText()))
          || number.isInt()
              && port >= number.asInt()
              && port <= p.path("endPort").asInt(number.asInt())) {
        return true;
      }
    }
    return false;
  }

  private static boolean selects(JsonNode selector, Map<String, String> labels) {
    for (var e : selector.path("matchLabels").properties()) {
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode expression : selector.path("matchExpressions")) {
      String value = labels.get(expression.path("key").asText());
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      boolean holds =
          switch (expression.path("operator").asText()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new AssertionError("unknown operator in " + expression);
          };
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  private static boolean inBlock(JsonNode block, String ip) {
    if (!inCidr(block.path("cidr").asText(), ip)) {
      return false;
    }
    for (JsonNode except : block.path("except")) {
      if (inCidr(except.asText(), ip)) {
        return false;
      }
    }
    return true;
  }

  private static boolean inCidr(String cidr, String ip) {
    String[] parts = cidr.split("/");
    byte[] network = address(parts[0]);
    byte[] address = address(ip);
    if (network.length != address.length) {
      return false;
    }
    int bits = Integer.parseInt(parts[1]);
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((network[i / 8] & mask) != (address[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** A literal address's bytes (never a name lookup: the callers pass only literals). */
  private static byte[] address(String literal) {
    if (!literal.matches("[0-9a-fA-F:.]+")) {
      throw new AssertionError("not an address literal: " + literal);
    }
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new AssertionError("not an address literal: " + literal, e);
    }
  }
}

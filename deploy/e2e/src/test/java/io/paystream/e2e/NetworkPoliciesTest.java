package io.paystream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.paystream.e2e.NetworkPolicyModel.Peer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/components/network-policies, added to the jvm overlay as an operator would, rendered,
 * and read by {@link NetworkPolicyModel}: who may reach each Paystream pod, and where each may go.
 * The pods' labels and named ports are read from the rendered Deployments and Job, so a renamed
 * label or port shows here.
 */
class NetworkPoliciesTest {
  private static final Peer INGRESS =
      Peer.pod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"), "10.244.7.1");
  private static final Peer PROMETHEUS =
      Peer.pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"), "10.244.7.2");
  private static final Peer STRANGER =
      Peer.pod("default", Map.of("app", "something-else"), "10.244.7.3");
  private static final Peer POSTGRES = Peer.outside("10.0.5.5");
  private static final Peer REDIS = Peer.outside("10.0.5.6");

  /**
   * The cluster's DNS: a CoreDNS pod of kube-system (lookups sent to the kube-dns Service's address
   * reach the policies translated to the pod's).
   */
  private static final Peer DNS =
      Peer.pod("kube-system", Map.of("k8s-app", "kube-dns"), "10.244.9.10");

  private static NetworkPolicyModel model;
  private static Map<String, Peer> pods;

  @BeforeAll
  static void render() throws Exception {
    Manifests.assumeKubectl();
    List<JsonNode> objects =
        Manifests.renderWith("k8s-network-policies", "jvm", "network-policies");
    model = new NetworkPolicyModel(objects);
    pods = new LinkedHashMap<>();
    for (JsonNode o : objects) {
      String kind = o.path("kind").asText();
      if (!kind.equals("Deployment") && !kind.equals("Job")) {
        continue;
      }
      JsonNode template = o.path("spec").path("template");
      Map<String, String> labels = new LinkedHashMap<>();
      template
          .path("metadata")
          .path("labels")
          .properties()
          .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (JsonNode c : template.path("spec").path("containers")) {
        c.path("ports")
            .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      }
      String ip = "10.244.0." + (pods.size() + 1);
      pods.put(
          o.path("metadata").path("name").asText(),
          new Peer(o.path("metadata").path("namespace").asText(), labels, ports, ip));
    }
    assertEquals(
        Set.of("payments-service", "refund-service", "webhook-service", "web", "db-roles"),
        pods.keySet(),
        "the pods of the jvm overlay");
  }

  @Test
  void theServicesAnswerTheIngressTheWebProxiesAndPrometheusAndNoOneElse() {
    for (String service : Stack.SERVICES) {
      Peer pod = pods.get(service);
      int http = pod.ports().get("http");
      assertTrue(model.allows(INGRESS, pod, "TCP", http), service + " from the Ingress");
      assertTrue(model.allows(pods.get("web"), pod, "TCP", http), service + " from web's /api/");
      assertTrue(model.allows(PROMETHEUS, pod, "TCP", http), service + " from Prometheus");
      assertFalse(model.allows(STRANGER, pod, "TCP", http), service + " from another namespace");
      assertFalse(
          model.allows(Peer.outside("203.0.113.9"), pod, "TCP", http), service + " from outside");
      assertFalse(model.allows(INGRESS, pod, "TCP", 9000), service + " on another port");
      assertFalse(model.allows(pods.get("db-roles"), pod, "TCP", http), service + " from the Job");
    }
  }

  @Test
  void theServicesNeverCallEachOther() {
    for (String from : Stack.SERVICES) {
      for (String to : Stack.SERVICES) {
        Peer target = pods.get(to);
        assertFalse(
            model.allows(pods.get(from), target, "TCP", target.ports().get("http")),
            from + " -> " + to);
      }
    }
  }

  @Test
  void theWebPodsAnswerOnlyTheIngress() {
    Peer web = pods.get("web");
    for (String port : List.of("dashboard", "checkout", "errors", "not-found")) {
      int number = web.ports().get(port);
      assertTrue(model.allows(INGRESS, web, "TCP", number), port + " from the Ingress");
      assertFalse(model.allows(STRANGER, web, "TCP", number), port + " from another namespace");
      assertFalse(
          model.allows(pods.get("payments-service"), web, "TCP", number), port + " from a service");
    }
  }

  @Test
  void everyPodLooksUpNamesAndOnlyTheServicesAndTheJobReachTheData() {
    for (var pod : pods.entrySet()) {
      assertTrue(model.allows(pod.getValue(), DNS, "UDP", 53), pod.getKey() + " DNS over UDP");
      assertTrue(model.allows(pod.getValue(), DNS, "TCP", 53), pod.getKey() + " DNS over TCP");
      boolean data = !pod.getKey().equals("web");
      assertEquals(
          data, model.allows(pod.getValue(), POSTGRES, "TCP", 5432), pod.getKey() + " PostgreSQL");
      assertEquals(data, model.allows(pod.getValue(), REDIS, "TCP", 6379), pod.getKey() + " Redis");
    }
  }

  /**
   * Name lookups go to the cluster's DNS only: not to a resolver a pod picks (an address outside
   * the cluster, a pod of another namespace, another kube-system pod), over either protocol.
   */
  @Test
  void nameLookupsGoToTheClustersDnsOnly() {
    List<Peer> others =
        List.of(
            Peer.outside("10.0.0.53"),
            Peer.outside("192.168.1.53"),
            Peer.pod("default", Map.of("k8s-app", "kube-dns"), "10.244.7.53"),
            Peer.pod("kube-system", Map.of("k8s-app", "metrics-server"), "10.244.9.11"));
    for (var pod : pods.entrySet()) {
      for (String protocol : List.of("UDP", "TCP")) {
        assertTrue(model.allows(pod.getValue(), DNS, protocol, 53), pod.getKey() + " " + protocol);
        for (Peer other : others) {
          assertFalse(
              model.allows(pod.getValue(), other, protocol, 53),
              pod.getKey() + " looks names up at " + other + " over " + protocol);
        }
        if (!pod.getKey().equals("webhook-service")) {
          // webhook-service alone reaches public addresses (merchants' endpoints, any port).
          assertFalse(
              model.allows(pod.getValue(), Peer.outside("8.8.8.8"), protocol, 53),
              pod.getKey() + " looks names up at a public resolver over " + protocol);
        }
      }
    }
  }

  @Test
  void onlyWebhookServiceLeavesTheClusterAndOnlyForPublicAddresses() {
    Peer webhooks = pods.get("webhook-service");
    for (String ip : List.of("93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946")) {
      for (int port : List.of(443, 80, 8443)) {
        assertTrue(model.allows(webhooks, Peer.outside(ip), "TCP", port), ip + ":" + port);
      }
      for (String other : List.of("payments-service", "refund-service", "web", "db-roles")) {
        assertFalse(
            model.allows(pods.get(other), Peer.outside(ip), "TCP", 443), other + " -> " + ip);
      }
    }
    for (String ip :
        List.of(
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "127.0.0.1",
            "0.0.0.0",
            "fd00::1",
            "fe80::1",
            "::1")) {
      assertFalse(model.allows(webhooks, Peer.outside(ip), "TCP", 80), "webhook-service -> " + ip);
    }
    assertFalse(model.allows(webhooks, pods.get("web"), "TCP", 3000), "webhook-service -> web");
  }
}

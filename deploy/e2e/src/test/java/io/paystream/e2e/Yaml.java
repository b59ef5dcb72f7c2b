package io.paystream.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * YAML as Jackson trees, read by SnakeYAML, which resolves anchors, aliases and merge keys ({@code
 * <<: *anchor}) as Compose does.
 */
final class Yaml {
  private Yaml() {}

  static JsonNode one(String text) {
    return Api.JSON.valueToTree(yaml().load(text));
  }

  static List<JsonNode> all(String text) {
    List<JsonNode> docs = new ArrayList<>();
    for (Object doc : yaml().loadAll(text)) {
      if (doc != null) {
        docs.add(Api.JSON.valueToTree(doc));
      }
    }
    return docs;
  }

  private static org.yaml.snakeyaml.Yaml yaml() {
    return new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()));
  }
}

package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One overlay's rendered objects, each parsed as its typed fabric8 model with unknown
 * fields rejected. Custom resources fabric8 has no model for (the Prometheus Operator's
 * ServiceMonitor and PrometheusRule) are kept as {@link GenericKubernetesResource}s and
 * checked field by field by the tests.
 */
record Manifests(String overlay, List<HasMetadata> objects) {

  /** API groups whose kinds are custom resources without a fabric8 model. */
  static final Set<String> CUSTOM_RESOURCE_GROUPS = Set.of("monitoring.coreos.com");

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization STRICT = strictSerialization();
  private static final KubernetesSerialization LENIENT = new KubernetesSerialization();

  /**
   * fabric8's models collect unknown fields in an any-setter map, which makes
   * FAIL_ON_UNKNOWN_PROPERTIES a no-op; switching any-setters off makes it bite.
   */
  static KubernetesSerialization strictSerialization() {
    ObjectMapper mapper = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    mapper.setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
      @Override
      public Boolean hasAnySetter(Annotated annotated) {
        return Boolean.FALSE;
      }
    });
    return new KubernetesSerialization(mapper, true);
  }

  static Manifests parse(String overlay, String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (JsonNode document : documents(yaml)) {
      objects.add(parseObject(document));
    }
    return new Manifests(overlay, List.copyOf(objects));
  }

  static List<JsonNode> documents(String yaml) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isEmpty()) {
          documents.add(node);
        }
      }
    } catch (IOException e) {
      throw new AssertionError("rendered YAML does not parse", e);
    }
    return documents;
  }

  /** Typed and strict for built-in kinds; generic for the known custom resource groups. */
  static HasMetadata parseObject(JsonNode document) {
    String apiVersion = document.path("apiVersion").asText("");
    String kind = document.path("kind").asText("");
    String name = document.path("metadata").path("name").asText("");
    String where = kind + " " + name + " (" + apiVersion + ")";
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    if (CUSTOM_RESOURCE_GROUPS.contains(group)) {
      return LENIENT.unmarshal(document.toString(), GenericKubernetesResource.class);
    }
    KubernetesResource parsed;
    try {
      parsed = STRICT.unmarshal(document.toString());
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new AssertionError(where + " does not parse as its fabric8 model: " + root.getMessage(), e);
    }
    if (parsed instanceof GenericKubernetesResource || !(parsed instanceof HasMetadata)) {
      fail(where + " has no typed fabric8 model; is the kind or apiVersion misspelled?");
    }
    return (HasMetadata) parsed;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
    return all(type).stream()
        .filter(o -> name.equals(o.getMetadata().getName()))
        .filter(o -> namespace == null || namespace.equals(o.getMetadata().getNamespace()))
        .findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
    return find(type, namespace, name).orElseThrow(() -> new AssertionError(
        overlay + ": no " + type.getSimpleName() + " " + namespace + "/" + name));
  }

  List<GenericKubernetesResource> custom(String kind) {
    return all(GenericKubernetesResource.class).stream().filter(o -> kind.equals(o.getKind())).toList();
  }
}

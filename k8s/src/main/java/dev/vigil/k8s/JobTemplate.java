package dev.vigil.k8s;

import dev.vigil.trust.TrustPhase;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Job an investigation runs as: the template {@code investigation-job.yaml} from the
 * classpath, loaded once, and {@link #render} which returns a fresh copy with one
 * investigation's name, labels, phase ServiceAccount, image, command, environment,
 * deadline and resources applied. The template itself is never handed out or changed, so a
 * {@code JobTemplate} is safe to share between threads.
 */
public final class JobTemplate {

  /** Classpath location of the template. */
  public static final String RESOURCE = "/dev/vigil/k8s/investigation-job.yaml";

  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VIGIL = "vigil";
  public static final String LABEL_INVESTIGATION_ID = "investigation-id";
  public static final String LABEL_TRUST_PHASE = "trust-phase";
  public static final String AGENT_CONTAINER = "agent";

  public static final String ENV_INVESTIGATION_ID = "INVESTIGATION_ID";
  public static final String ENV_GATEWAY_URL = "VIGIL_GATEWAY_URL";
  public static final String ENV_BOOTSTRAP_TOKEN = "VIGIL_BOOTSTRAP_TOKEN";

  private static final String NAME_PREFIX = "investigation-";
  private static final String SERVICE_ACCOUNT_PREFIX = "agent-phase-";
  private static final Set<String> ENV_SET_BY_VIGIL =
      Set.of(ENV_INVESTIGATION_ID, ENV_GATEWAY_URL, ENV_BOOTSTRAP_TOKEN);
  // a Job name ends up in its pods' job-name label, so it must be a DNS label of at most 63
  private static final int MAX_ID_LENGTH = 63 - NAME_PREFIX.length();
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final KubernetesSerialization serialization;
  private final Job template;

  private JobTemplate(KubernetesSerialization serialization, Job template) {
    this.serialization = serialization;
    this.template = template;
  }

  /** Loads {@link #RESOURCE}; fails with {@link IllegalStateException} if it is missing or not a Job with an agent container. */
  public static JobTemplate load() {
    try (InputStream in = JobTemplate.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("investigation Job template not on the classpath: " + RESOURCE);
      }
      return fromYaml(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Parses a template from YAML (or JSON); {@link #load()} is the normal entry point. */
  public static JobTemplate fromYaml(InputStream yaml) {
    KubernetesSerialization serialization = new KubernetesSerialization();
    Job job = serialization.unmarshal(yaml, Job.class);
    if (job == null || job.getSpec() == null || job.getSpec().getTemplate() == null
        || job.getSpec().getTemplate().getSpec() == null) {
      throw new IllegalStateException("investigation Job template has no pod template");
    }
    agentContainer(job);
    return new JobTemplate(serialization, job);
  }

  /** A copy of the template as loaded, for inspection. */
  public Job template() {
    return serialization.clone(template);
  }

  /** The Job name for an investigation id ({@code investigation-<id>}). */
  public static String jobName(String investigationId) {
    return NAME_PREFIX + requireInvestigationId(investigationId);
  }

  /** The ServiceAccount a phase's agents run as ({@code agent-phase-<phase>}). */
  public static String serviceAccountName(String phaseWireName) {
    return SERVICE_ACCOUNT_PREFIX + TrustPhase.parse(phaseWireName).wireName();
  }

  /**
   * A new Job for one investigation. Throws {@link IllegalArgumentException} naming the
   * offending field when the input could not make a valid Job.
   */
  public Job render(JobSpecInput in) {
    String id = requireInvestigationId(in.investigationId());
    TrustPhase phase = TrustPhase.parse(in.phaseWireName());
    String image = requireText(in.image(), "image");
    String token = requireText(in.bootstrapToken(), "bootstrapToken");

    Job job = serialization.clone(template);
    ObjectMeta meta = job.getMetadata();
    meta.setName(NAME_PREFIX + id);
    applyLabels(meta, id, phase);
    if (job.getSpec().getTemplate().getMetadata() == null) {
      job.getSpec().getTemplate().setMetadata(new ObjectMeta());
    }
    // the pod carries the labels too: NetworkPolicies and Vigil's informers select pods by them
    applyLabels(job.getSpec().getTemplate().getMetadata(), id, phase);

    if (in.activeDeadlineSeconds() < 0) {
      throw new IllegalArgumentException("activeDeadlineSeconds must be positive (0 keeps the template's), was "
          + in.activeDeadlineSeconds());
    }
    if (in.activeDeadlineSeconds() > 0) {
      job.getSpec().setActiveDeadlineSeconds(in.activeDeadlineSeconds());
    }

    PodSpec pod = job.getSpec().getTemplate().getSpec();
    pod.setServiceAccountName(SERVICE_ACCOUNT_PREFIX + phase.wireName());
    // only phases with Kubernetes rights get a token; a shadow agent has nothing to use it for
    pod.setAutomountServiceAccountToken(phase != TrustPhase.SHADOW);

    Container agent = agentContainer(job);
    agent.setImage(image);
    if (in.command() != null) {
      agent.setCommand(new ArrayList<>(in.command()));
    }
    if (in.args() != null) {
      agent.setArgs(new ArrayList<>(in.args()));
    }
    agent.setEnv(environment(agent.getEnv(), id, in, token));
    agent.setResources(resources(agent.getResources(), in));
    return job;
  }

  private static void applyLabels(ObjectMeta meta, String id, TrustPhase phase) {
    Map<String, String> labels = meta.getLabels() == null ? new HashMap<>() : new HashMap<>(meta.getLabels());
    labels.put(LABEL_MANAGED_BY, MANAGED_BY_VIGIL);
    labels.put(LABEL_INVESTIGATION_ID, id);
    labels.put(LABEL_TRUST_PHASE, phase.wireName());
    meta.setLabels(labels);
  }

  private static List<EnvVar> environment(
      List<EnvVar> templateEnv, String id, JobSpecInput in, String token) {
    Map<String, String> extra = in.env() == null ? Map.of() : new TreeMap<>(in.env());
    for (String name : extra.keySet()) {
      if (ENV_SET_BY_VIGIL.contains(name)) {
        throw new IllegalArgumentException("env may not set " + name + ": Vigil sets it itself");
      }
      if (!ENV_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("env name is not a valid variable name: '" + name + "'");
      }
    }
    String gatewayUrl = in.gatewayUrl() != null
        ? requireText(in.gatewayUrl(), "gatewayUrl")
        : templateValue(templateEnv, ENV_GATEWAY_URL);
    List<EnvVar> env = new ArrayList<>();
    for (EnvVar var : templateEnv == null ? List.<EnvVar>of() : templateEnv) {
      if (!ENV_SET_BY_VIGIL.contains(var.getName()) && !extra.containsKey(var.getName())) {
        env.add(var);
      }
    }
    env.add(new EnvVar(ENV_INVESTIGATION_ID, id, null));
    env.add(new EnvVar(ENV_GATEWAY_URL, gatewayUrl, null));
    env.add(new EnvVar(ENV_BOOTSTRAP_TOKEN, token, null));
    extra.forEach((name, value) -> env.add(new EnvVar(name, value == null ? "" : value, null)));
    return env;
  }

  private static String templateValue(List<EnvVar> env, String name) {
    if (env != null) {
      for (EnvVar var : env) {
        if (name.equals(var.getName()) && var.getValue() != null && !var.getValue().isBlank()) {
          return var.getValue();
        }
      }
    }
    throw new IllegalArgumentException("gatewayUrl not given and the template sets no " + name);
  }

  private static ResourceRequirements resources(ResourceRequirements fromTemplate, JobSpecInput in) {
    ResourceRequirements resources = fromTemplate == null ? new ResourceRequirements() : fromTemplate;
    Map<String, Quantity> requests = resources.getRequests() == null ? new HashMap<>() : new HashMap<>(resources.getRequests());
    Map<String, Quantity> limits = resources.getLimits() == null ? new HashMap<>() : new HashMap<>(resources.getLimits());
    put(requests, "cpu", in.cpuRequest(), "cpuRequest");
    put(requests, "memory", in.memoryRequest(), "memoryRequest");
    put(limits, "cpu", in.cpuLimit(), "cpuLimit");
    put(limits, "memory", in.memoryLimit(), "memoryLimit");
    for (String resource : List.of("cpu", "memory")) {
      Quantity request = requests.get(resource);
      Quantity limit = limits.get(resource);
      if (request != null && limit != null && request.compareTo(limit) > 0) {
        throw new IllegalArgumentException(
            resource + " request " + request + " is above its limit " + limit);
      }
    }
    resources.setRequests(requests);
    resources.setLimits(limits);
    return resources;
  }

  private static void put(Map<String, Quantity> into, String resource, String amount, String field) {
    if (amount == null) {
      return;
    }
    Quantity quantity;
    try {
      quantity = Quantity.parse(amount.trim());
      quantity.getNumericalAmount();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(field + " is not a Kubernetes quantity: '" + amount + "'", e);
    }
    if (quantity.getNumericalAmount().signum() <= 0) {
      throw new IllegalArgumentException(field + " must be positive, was '" + amount + "'");
    }
    into.put(resource, quantity);
  }

  private static Container agentContainer(Job job) {
    List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
    if (containers != null) {
      for (Container container : containers) {
        if (AGENT_CONTAINER.equals(container.getName())) {
          return container;
        }
      }
    }
    throw new IllegalStateException("investigation Job template has no container named " + AGENT_CONTAINER);
  }

  private static String requireInvestigationId(String id) {
    if (id == null || id.length() > MAX_ID_LENGTH || !DNS_LABEL.matcher(id).matches()) {
      throw new IllegalArgumentException("investigationId must be 1-" + MAX_ID_LENGTH
          + " lower-case letters, digits or '-' (not at either end), was '" + id + "'");
    }
    return id;
  }

  private static String requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }
}

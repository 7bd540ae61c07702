package dev.vigil.standins.kubernetes;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.standins.kubernetes.internal.JobController;
import dev.vigil.standins.kubernetes.internal.WatchClosingDispatcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * A loopback stand-in for a Kubernetes API server with a Job controller: fabric8's {@code KubernetesMockServer} in
 * CRUD mode (objects are stored, listed, watched, patched and deleted as a client would expect; plain HTTP, no
 * authentication; a closed watch no longer freezes the server, see {@link WatchClosingDispatcher}) plus
 * {@link JobController}, which moves each Job through the statuses the Job controller and the
 * kubelet would write (pending, active, then {@code Complete} or {@code Failed: DeadlineExceeded}) and deletes
 * finished Jobs after their {@code ttlSecondsAfterFinished}. Nothing runs: a Job's "pod" is a timer, and a
 * {@link JobListener} can read what the pod would have been given. It exists because no Kubernetes cluster runs
 * here; it is NOT FOR PRODUCTION.
 *
 * <p>Lifecycle: {@link #start} binds 127.0.0.1 and serves until {@link #close()}. Clients point their master URL at
 * {@link #masterUrl()} (a chaos drill puts a relay in between and cuts it); {@link #jobs()} tells what happened to
 * every Job, including deleted ones.
 */
public final class KubernetesStandIn implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubernetesStandIn.class);
  /**
   * The mock server logs every request at INFO through java.util.logging; a drill makes thousands. Held here because
   * java.util.logging keeps loggers only weakly, which would drop the level.
   */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  private final KubernetesMockServer server;
  private final WatchClosingDispatcher dispatcher;
  private final KubernetesClient controllerClient;
  private final JobController controller;
  private final String masterUrl;

  private KubernetesStandIn(KubernetesMockServer server, WatchClosingDispatcher dispatcher,
      KubernetesClient controllerClient, JobController controller) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.controllerClient = controllerClient;
    this.controller = controller;
    this.masterUrl = "http://127.0.0.1:" + server.getPort();
  }

  /** Binds 127.0.0.1 on the configured port, starts serving and starts the Job controller. */
  public static KubernetesStandIn start(KubernetesStandInSettings settings, JobListener listener) {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    WatchClosingDispatcher dispatcher = new WatchClosingDispatcher();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), settings.port());
    KubernetesClient client = null;
    try {
      client = server.createClient();
      JobController controller = JobController.start(client, settings, listener == null ? JobListener.NONE : listener);
      KubernetesStandIn standIn = new KubernetesStandIn(server, dispatcher, client, controller);
      log.warn("Kubernetes API stand-in: NOT FOR PRODUCTION. Serving a mock API (CRUD, no authentication) at {}; "
          + "Jobs start after {} ms and complete after {} ms", standIn.masterUrl(), settings.startDelay().toMillis(),
          settings.runTime().toMillis());
      return standIn;
    } catch (RuntimeException e) {
      if (client != null) {
        client.close();
      }
      server.destroy();
      dispatcher.close();
      throw e;
    }
  }

  /** The API server's URL, e.g. {@code http://127.0.0.1:41234}: a client's master URL. */
  public String masterUrl() {
    return masterUrl;
  }

  public int port() {
    return server.getPort();
  }

  /** Every Job the controller saw, oldest first, with where it moved it. */
  public List<JobView> jobs() {
    return controller.jobs();
  }

  /** The latest record of the Job labelled with this investigation id, if any. */
  public Optional<JobView> jobOf(String investigationId) {
    JobView found = null;
    for (JobView job : controller.jobs()) {
      if (investigationId.equals(job.investigationId())) {
        found = job;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Stops the controller and the server and releases the port. */
  @Override
  public void close() {
    controller.close();
    controllerClient.close();
    server.destroy();
    dispatcher.close();
    log.info("Kubernetes API stand-in at {} stopped", masterUrl);
  }
}

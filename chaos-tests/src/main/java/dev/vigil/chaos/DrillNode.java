package dev.vigil.chaos;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * One node as a drill sees it: where its API and management endpoints are, and the faults that can be done to it.
 * {@link NodeProcess} is a node the harness started; {@link RemoteNode} is a node of a running cluster, which can be
 * signalled only when its process id is given.
 */
public interface DrillNode {

  /** Position in the cluster's node list, from 0. */
  int index();

  /** Base URL of the HTTP API, e.g. {@code http://127.0.0.1:8080}. */
  String api();

  /** Base URL of Pekko Management, e.g. {@code http://127.0.0.1:8558}. */
  String management();

  /** False once the process is known to have exited. */
  boolean isRunning();

  /** SIGKILL: the process dies at once, nothing is drained. */
  void kill() throws IOException, InterruptedException;

  /** SIGTERM: the node drains (readiness false, requests finish, shards hand off) and exits 0. */
  void terminate() throws IOException, InterruptedException;

  /** SIGSTOP: the process stops answering anything, including the failure detector's heartbeats. */
  void freeze() throws IOException, InterruptedException;

  /** SIGCONT after {@link #freeze}. */
  void thaw() throws IOException, InterruptedException;

  /** Waits for the process to exit and returns its exit code; empty if it is still running or the code is unknown. */
  OptionalInt awaitExit(Duration timeout) throws InterruptedException;

  /** Sends a signal by name (KILL, TERM, STOP, CONT) to a process id with the system's {@code kill}. */
  static void signal(long pid, String signal) throws IOException, InterruptedException {
    NamespaceNetwork.run("kill", "-s", signal, Long.toString(pid));
  }
}

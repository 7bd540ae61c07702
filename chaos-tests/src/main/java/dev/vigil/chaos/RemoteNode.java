package dev.vigil.chaos;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A node of a cluster the drill did not start (the drill command's target). Its endpoints are given; process faults
 * need its process id on this machine, and are refused without one (a drain then goes through the management API).
 */
public final class RemoteNode implements DrillNode {

  private final int index;
  private final String api;
  private final String management;
  private final OptionalLong pid;

  public RemoteNode(int index, String api, String management, OptionalLong pid) {
    this.index = index;
    this.api = api;
    this.management = management;
    this.pid = pid;
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String api() {
    return api;
  }

  @Override
  public String management() {
    return management;
  }

  public OptionalLong pid() {
    return pid;
  }

  @Override
  public boolean isRunning() {
    return handle().map(ProcessHandle::isAlive).orElse(true);
  }

  @Override
  public void kill() throws IOException, InterruptedException {
    DrillNode.signal(requirePid("kill -9"), "KILL");
  }

  @Override
  public void terminate() throws IOException, InterruptedException {
    DrillNode.signal(requirePid("SIGTERM"), "TERM");
  }

  @Override
  public void freeze() throws IOException, InterruptedException {
    DrillNode.signal(requirePid("SIGSTOP"), "STOP");
  }

  @Override
  public void thaw() throws IOException, InterruptedException {
    DrillNode.signal(requirePid("SIGCONT"), "CONT");
  }

  @Override
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    // the exit code of a process this JVM did not start is not readable; only its end is
    Optional<ProcessHandle> handle = handle();
    if (handle.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      handle.get().onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return OptionalInt.empty();
    }
    return OptionalInt.empty();
  }

  private Optional<ProcessHandle> handle() {
    return pid.isPresent() ? ProcessHandle.of(pid.getAsLong()) : Optional.empty();
  }

  private long requirePid(String fault) {
    if (pid.isEmpty()) {
      throw new UnsupportedOperationException(fault + " of node " + index + " needs its process id (--pids)");
    }
    return pid.getAsLong();
  }
}

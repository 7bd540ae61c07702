package dev.vigil.standins.kubernetes.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * fabric8's CRUD dispatcher with one fix for watches: the mock's watch listener (7.8.0) handles a closed or failed
 * watch WebSocket by waiting, on the server's only Vert.x event loop, up to a minute for its send executor to finish,
 * while a send in that executor waits up to 30 s for the same event loop to complete its write. A client closing a
 * watch while an event is on its way (a node draining, a relay cut) therefore froze the whole mock API for 30 s, every
 * request timing out. Here the close and failure callbacks run on their own threads, so the event loop keeps serving
 * and the pending write completes or fails at once. Everything else is the mock's.
 */
public final class WatchClosingDispatcher extends KubernetesCrudDispatcher implements AutoCloseable {

  private final ExecutorService closers;

  public WatchClosingDispatcher() {
    AtomicInteger count = new AtomicInteger();
    this.closers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "k8s-standin-watch-close-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    WebSocketListener listener = response.getWebSocketListener();
    return listener == null ? response : response.withWebSocketUpgrade(new ClosedOffTheEventLoop(listener));
  }

  @Override
  public void close() {
    closers.shutdownNow();
  }

  private void offTheEventLoop(Runnable callback) {
    try {
      closers.execute(callback);
    } catch (RejectedExecutionException e) {
      callback.run(); // the stand-in is closing: nothing is left to keep serving
    }
  }

  /** Delegates every callback; the two that block run on a closer thread. */
  private final class ClosedOffTheEventLoop extends WebSocketListener {
    private final WebSocketListener delegate;

    ClosedOffTheEventLoop(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      offTheEventLoop(() -> delegate.onClosed(webSocket, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
      offTheEventLoop(() -> delegate.onFailure(webSocket, failure, response));
    }
  }
}

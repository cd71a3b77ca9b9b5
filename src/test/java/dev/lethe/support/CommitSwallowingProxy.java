package dev.lethe.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of PostgreSQL that lets the {@code n}-th COMMIT through to the server and
 * then cuts the connection before the server's reply reaches the client: a commit that happened,
 * which the client takes to have failed. (Use {@code sslmode=disable} behind it.)
 */
public final class CommitSwallowingProxy implements AutoCloseable {

  private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listening;
  private final String host;
  private final int port;
  private final AtomicInteger commitsLeft;
  private final AtomicInteger swallowed = new AtomicInteger();

  /** Swallows the reply to the {@code nth} COMMIT sent through it (1 the first), once. */
  public CommitSwallowingProxy(String host, int port, int nth) throws IOException {
    this.host = host;
    this.port = port;
    this.commitsLeft = new AtomicInteger(nth);
    this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    var accepting = new Thread(this::accept, "commit-proxy");
    accepting.setDaemon(true);
    accepting.start();
  }

  public int port() {
    return listening.getLocalPort();
  }

  /** How many replies it swallowed (0 or 1). */
  public int swallowed() {
    return swallowed.get();
  }

  private void accept() {
    while (!listening.isClosed()) {
      try {
        var client = listening.accept();
        var server = new Socket(host, port);
        var cut = new java.util.concurrent.atomic.AtomicBoolean();
        pump(client.getInputStream(), server.getOutputStream(), client, server, true, cut);
        pump(server.getInputStream(), client.getOutputStream(), client, server, false, cut);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(
      InputStream in,
      OutputStream out,
      Socket client,
      Socket server,
      boolean toServer,
      java.util.concurrent.atomic.AtomicBoolean cut) {
    var thread =
        new Thread(
            () -> {
              var buffer = new byte[65536];
              try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                  boolean swallow =
                      toServer && contains(buffer, n) && commitsLeft.decrementAndGet() == 0;
                  if (swallow) {
                    cut.set(true); // the server's reply goes nowhere
                  }
                  if (!toServer && cut.get()) {
                    return;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                  if (swallow) {
                    // let the server commit, then cut both sides
                    Thread.sleep(300);
                    swallowed.incrementAndGet();
                    client.close();
                    server.close();
                    return;
                  }
                }
              } catch (IOException | InterruptedException e) {
                // one side closed
              } finally {
                try {
                  client.close();
                  server.close();
                } catch (IOException e) {
                  // closed already
                }
              }
            },
            "commit-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static boolean contains(byte[] buffer, int length) {
    outer:
    for (int i = 0; i + COMMIT.length <= length; i++) {
      for (int j = 0; j < COMMIT.length; j++) {
        if (buffer[i + j] != COMMIT[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    listening.close();
  }
}

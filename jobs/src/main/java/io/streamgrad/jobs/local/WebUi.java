package io.streamgrad.jobs.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Where the local Flink web UI listens. The address defaults to loopback: opening it on another address
 * exposes the job's REST API (job graph, metrics, configuration with secrets masked, logs) to everyone who
 * can reach that address; submitting, cancelling and rescaling jobs stay disabled either way.
 *
 * @param address the address the REST endpoint binds to
 * @param port the port, or 0 for any free port (resolved by {@link #resolved()})
 */
public record WebUi(String address, int port) {
    /** The loopback address every local endpoint binds to unless told otherwise. */
    public static final String LOOPBACK = "127.0.0.1";

    public WebUi {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("--web-ui-address: must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--web-ui: port must be 0..65535, got " + port);
        }
        try {
            InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--web-ui-address: unknown host " + address);
        }
    }

    /** The UI on loopback at {@code port}. */
    public static WebUi onLoopback(int port) {
        return new WebUi(LOOPBACK, port);
    }

    /** This UI with port 0 replaced by a free port of its address, so the URL can be printed before start. */
    public WebUi resolved() {
        if (port != 0) {
            return this;
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return new WebUi(address, probe.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + address, e);
        }
    }

    /** The URL to print; loopback shows as {@code localhost}. */
    public String url() {
        String host = LOOPBACK.equals(address) ? "localhost" : address.contains(":") ? "[" + address + "]" : address;
        return "http://" + host + ":" + port;
    }
}

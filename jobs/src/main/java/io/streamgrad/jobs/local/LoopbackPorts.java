package io.streamgrad.jobs.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Checks a loopback port before a server is started on it, so a busy port is a one-line message, not a stack trace. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** True if nothing listens on {@code port} of the loopback address (port 0 is always free). */
    public static boolean isFree(int port) {
        if (port == 0) {
            return true;
        }
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
            return true;
        } catch (IOException busy) {
            return false;
        }
    }
}

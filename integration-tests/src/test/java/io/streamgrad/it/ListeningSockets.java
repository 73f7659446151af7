package io.streamgrad.it;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, read from Linux's {@code /proc} (the same source as {@code ss -ltnp}):
 * the socket inodes among the process's file descriptors, matched with the LISTEN rows of
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}. Nothing is sent over the network.
 */
final class ListeningSockets {
    /** One listening socket: its bound address and port. */
    record Listener(InetAddress address, int port) {
        boolean isLoopback() {
            if (address.isLoopbackAddress()) {
                return true;
            }
            byte[] b = address.getAddress();   // IPv4-mapped ::ffff:127.x.y.z
            return b.length == 16 && b[10] == (byte) 0xff && b[11] == (byte) 0xff && b[12] == 127;
        }

        @Override
        public String toString() {
            return address.getHostAddress() + ":" + port;
        }
    }

    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    static boolean supported() {
        return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** The sockets a process and all its descendants listen on. */
    static List<Listener> ofTree(ProcessHandle root) throws IOException {
        List<Listener> out = new ArrayList<>(of(root.pid()));
        for (ProcessHandle child : (Iterable<ProcessHandle>) root.descendants()::iterator) {
            try {
                out.addAll(of(child.pid()));
            } catch (IOException gone) {
                // a child that exited meanwhile listens on nothing
            }
        }
        return out;
    }

    /** The sockets process {@code pid} listens on. */
    static List<Listener> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // descriptors come and go while we read them
                }
            }
        }
        List<Listener> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            List<String> rows = Files.readAllLines(p);
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.trim().split("\\s+");
                if (f.length > 9 && LISTEN.equals(f[3]) && inodes.contains(f[9])) {
                    out.add(parse(f[1]));
                }
            }
        }
        return out;
    }

    /** {@code 0100007F:1F90} (little-endian 32-bit words) to 127.0.0.1:8080. */
    private static Listener parse(String hexAddressPort) throws UnknownHostException {
        String[] ap = hexAddressPort.split(":");
        String hex = ap[0];
        byte[] addr = new byte[hex.length() / 2];
        for (int word = 0; word < addr.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                addr[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return new Listener(InetAddress.getByAddress(addr), new BigInteger(ap[1], 16).intValue());
    }
}

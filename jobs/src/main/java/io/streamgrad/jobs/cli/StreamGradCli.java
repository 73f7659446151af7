package io.streamgrad.jobs.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point of {@code java -jar streamgrad.jar COMMAND ...}. */
public final class StreamGradCli {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    StreamGradCli(List<Command> commands) {
        for (Command c : commands) {
            this.commands.put(c.name(), c);
        }
    }

    static StreamGradCli standard() {
        return new StreamGradCli(List.of(new RunCommand(), new DemoCommand(), new ProduceCommand(), new InspectCommand(),
                new ReplayCommand(), new BenchCommand()));
    }

    public static void main(String[] args) {
        int code = standard().run(List.of(args), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || isHelp(args.get(0))) {
            out.print(overview());
            return args.isEmpty() ? 2 : 0;
        }
        Command command = commands.get(args.get(0));
        if (command == null) {
            err.println("unknown command '" + args.get(0) + "'");
            err.print(overview());
            return 2;
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        if (rest.stream().anyMatch(StreamGradCli::isHelp)) {
            out.print(command.usage());
            return 0;
        }
        try {
            return command.run(rest, out, err);
        } catch (io.streamgrad.jobs.config.ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.print(command.usage());
            return 2;
        } catch (Exception e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private String overview() {
        StringBuilder sb = new StringBuilder("Usage: streamgrad COMMAND [ARGS...]   (streamgrad COMMAND --help for details)\n\n"
                + "StreamGrad trains neural networks online, Keras-exactly, inside Apache Flink.\n\nCommands:\n");
        for (Command c : commands.values()) {
            sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        return sb.toString();
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }
}

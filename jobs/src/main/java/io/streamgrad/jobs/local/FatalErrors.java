package io.streamgrad.jobs.local;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The first fatal TaskManager error of this JVM's local cluster. When a TaskManager dies, the JobManager only
 * learns "the TaskExecutor is shutting down", and that is what the failed job reports; the real cause reaches
 * nothing but the MiniCluster's log. This appender keeps it, so that the one-line error of {@code run} can
 * name it. Without Log4j 2 as the logging backend nothing is recorded.
 */
@Internal
public final class FatalErrors {
    private static final AtomicReference<Throwable> FIRST = new AtomicReference<>();
    private static final String NAME = "streamgrad-fatal-errors";

    private FatalErrors() {
    }

    /** The first fatal error recorded since {@link #install()}, if any. */
    public static Optional<Throwable> first() {
        return Optional.ofNullable(FIRST.get());
    }

    /** Starts recording (again); idempotent. */
    static synchronized void install() {
        FIRST.set(null);
        try {
            if (!(org.apache.logging.log4j.LogManager.getContext(false) instanceof LoggerContext ctx)) {
                return;
            }
            Configuration config = ctx.getConfiguration();
            LoggerConfig logger = config.getLoggerConfig(MiniCluster.class.getName());
            if (logger.getAppenders().containsKey(NAME)) {
                return;
            }
            Recorder recorder = new Recorder();
            recorder.start();
            config.addAppender(recorder);
            logger.addAppender(recorder, Level.ERROR, null);
            ctx.updateLoggers();
        } catch (LinkageError | RuntimeException notLog4j) {
            // another logging backend: the job's own failure is reported as it is
        }
    }

    /** Keeps the throwable of the MiniCluster's first ERROR (it logs a TaskManager's fatal error there). */
    private static final class Recorder extends AbstractAppender {
        Recorder() {
            super(NAME, null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            if (event.getThrown() != null && MiniCluster.class.getName().equals(event.getLoggerName())
                    && event.getLevel().isMoreSpecificThan(Level.ERROR)) {
                FIRST.compareAndSet(null, event.getThrown());
            }
        }
    }
}

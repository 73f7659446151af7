package io.streamgrad.jobs.check;

import io.streamgrad.jobs.config.ConfigException;
import io.streamgrad.jobs.config.JobConfig;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.Internal;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;

/**
 * Detects another running job that uses this job's {@code kafka.transactionalIdPrefix}: the two would fence
 * each other's exactly-once producers forever.
 *
 * <p>Open transactions alone do not tell: the job's own previous run, killed, leaves its last transactions
 * open until they time out, and a restart must not be refused. A running job commits at every checkpoint
 * and then opens new transactions, a dead one cannot. So: when transactions with the prefix are open and
 * at least one is young enough to belong to a running job, look again after about one checkpoint interval;
 * a transaction started in between (a new transactional id, or a new start time for a known one) proves a
 * live writer. An idle job (no records, hence no open transactions) cannot be seen; the cap on the wait
 * means a job with a longer checkpoint interval may go unnoticed. Both err on the side of starting.
 */
@Internal
final class TransactionalIdOwners {
    static final long MAX_WAIT_MS = 30_000;
    private static final String[] SINKS = {"metrics", "snapshots", "dead-letters"};

    private TransactionalIdOwners() {}

    static void check(JobConfig cfg, Admin admin, PrintStream out) throws Exception {
        String prefix = cfg.kafka().transactionalIdPrefix();
        Map<String, Long> before = openTransactions(admin, prefix);
        if (before.isEmpty()) {
            return;
        }
        long interval = cfg.checkpointing().intervalMs();
        long youngest = System.currentTimeMillis() - before.values().stream().mapToLong(Long::longValue).max().orElse(0);
        if (youngest > 2 * interval + 10_000) { // older than any running job's current transaction
            out.println("note: " + before.size() + " open transaction(s) of a previous run with kafka.transactionalIdPrefix '"
                    + prefix + "'; this run aborts them");
            return;
        }
        long wait = Math.min(interval + 2_000, MAX_WAIT_MS);
        out.println("open transactions with kafka.transactionalIdPrefix '" + prefix + "' found: watching them for "
                + (wait + 999) / 1000 + " s to tell a previous run's leftovers from another running job");
        Thread.sleep(wait);
        Map<String, Long> after = openTransactions(admin, prefix);
        for (Map.Entry<String, Long> e : after.entrySet()) {
            Long earlier = before.get(e.getKey());
            if (earlier == null || !earlier.equals(e.getValue())) {
                throw new ConfigException("kafka.transactionalIdPrefix", "'" + prefix + "' is in use by another running "
                        + "job on " + cfg.kafka().bootstrapServers() + " (it started transaction '" + e.getKey()
                        + "' while this job was starting); jobs sharing a prefix fence each other's producers forever: "
                        + "give each job its own kafka.transactionalIdPrefix (default: job.name) or stop the other job");
            }
        }
    }

    /** Ongoing transactions of this prefix's sinks: transactional id -> start time (ms, broker clock). */
    static Map<String, Long> openTransactions(Admin admin, String prefix) throws Exception {
        List<String> ids = admin.listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
                .all().get(BrokerSettings.TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .map(TransactionListing::transactionalId).filter(id -> ownedBy(prefix, id)).toList();
        Map<String, Long> open = new TreeMap<>();
        if (ids.isEmpty()) {
            return open;
        }
        Map<String, TransactionDescription> described =
                admin.describeTransactions(ids).all().get(BrokerSettings.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        described.forEach((id, d) -> {
            if (d.state() == TransactionState.ONGOING) {
                open.put(id, d.transactionStartTimeMs().orElse(-1L));
            }
        });
        return open;
    }

    /** Whether a transactional id is one of the job's sinks' ({@code PREFIX-metrics-...} and so on). */
    static boolean ownedBy(String prefix, String transactionalId) {
        for (String sink : SINKS) {
            if (transactionalId.startsWith(prefix + "-" + sink + "-")) {
                return true;
            }
        }
        return false;
    }
}

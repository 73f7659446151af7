package io.streamgrad.jobs.labels;

import io.streamgrad.jobs.config.JobConfig;
import io.streamgrad.operators.labels.LabelRecord;

/** Reads one label record as the job's labels source does, for tests in other packages. */
public final class LabelRecordsAccess {
    private LabelRecordsAccess() {}

    public static LabelRecord read(JobConfig cfg, String json) {
        return new LabelDeserializer(cfg.labels(), cfg.input().classes(), cfg.input().maxRecordChars()).parse(json);
    }
}

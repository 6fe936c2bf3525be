package org.partrec.pipeline;

import java.util.List;

/**
 * Where run records are kept beyond the process (the warehouse's {@code training_runs} table):
 * written when a run ends and again when its export ends, read by the ops endpoint.
 */
public interface RunLog {

    /** Keeps nothing: runs are then only in the process's memory. */
    RunLog NONE = new RunLog() {
        @Override
        public void save(RunRecord.View run) {
        }

        @Override
        public List<RunRecord.View> recent(int limit) {
            return List.of();
        }
    };

    /** Writes (or rewrites) the run's record. */
    void save(RunRecord.View run);

    /** The newest {@code limit} records, newest first. */
    List<RunRecord.View> recent(int limit);
}

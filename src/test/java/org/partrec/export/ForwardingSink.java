package org.partrec.export;

/** A sink that passes every call to another; tests override the call they interrupt or count. */
abstract class ForwardingSink implements RecommendationSink {

    protected final RecommendationSink delegate;

    ForwardingSink(RecommendationSink delegate) {
        this.delegate = delegate;
    }

    @Override
    public void clearStaging(Table table, String runId) {
        delegate.clearStaging(table, runId);
    }

    @Override
    public void stage(Table table, ExportBatch batch) {
        delegate.stage(table, batch);
    }

    @Override
    public long merge(Table table, String runId) {
        return delegate.merge(table, runId);
    }
}

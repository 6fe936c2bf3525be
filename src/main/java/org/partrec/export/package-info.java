/**
 * The export step: after each promotion, the top-N recommendations of every user and the top-N
 * similar items of every item, written in batches to the warehouse through
 * {@link org.partrec.export.RecommendationSink}, idempotently by run id, retried with backoff,
 * never in the way of serving.
 */
package org.partrec.export;

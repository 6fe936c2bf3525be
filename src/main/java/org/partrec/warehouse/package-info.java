/**
 * The warehouse adapters: the SQL of {@code sql/recommendations} (BigQuery Standard SQL) run on
 * BigQuery or, through one small dialect step ({@link org.partrec.warehouse.DuckDbSql}), on the
 * embedded DuckDB warehouse of the dev default. They implement the ports named by intent:
 * {@code extract.InteractionSource}, {@code extract.CatalogSource},
 * {@code export.RecommendationSink} and {@code pipeline.RunLog}.
 *
 * <p>Table names come from configuration and are checked to be plain identifiers before they are
 * put into SQL; every value travels as a query parameter, never spliced into the text.
 */
package org.partrec.warehouse;

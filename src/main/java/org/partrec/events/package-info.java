/**
 * Events the storefront posts in real time ({@code POST /events}): their checking
 * ({@link org.partrec.events.EventBatch}), and the port they are stored through,
 * each once by its id ({@link org.partrec.events.EventSink}; the embedded warehouse implements it
 * with the SQL files of {@code sql/recommendations/load}, BigQuery with a streaming insert keyed
 * by event id). The next training run reads them beside the warehouse's own events, each event id
 * once ({@code extract/interactions.sql}). A taken batch reaches every serving replica's
 * real-time view through the {@link org.partrec.events.EventFanout} port; its answers are counted
 * where it was taken ({@link org.partrec.events.Attribution}).
 */
package org.partrec.events;

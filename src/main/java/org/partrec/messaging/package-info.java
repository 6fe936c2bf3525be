/**
 * Adapters of the {@link org.partrec.events.EventFanout} port between serving replicas: Google
 * Pub/Sub through spring-cloud-gcp ({@link org.partrec.messaging.PubSubFanout}, staging and
 * production), each batch one message ({@link org.partrec.messaging.EventMessage}). The embedded
 * default needs none: its one process applies a batch where it is taken
 * ({@link org.partrec.events.EventFanout#local}).
 */
package org.partrec.messaging;

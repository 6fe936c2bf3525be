/**
 * Adapters of the model store's {@link org.partrec.publish.BlobStore} port: a local folder
 * ({@link org.partrec.storage.LocalBlobStore}, for development) and a Google Cloud Storage bucket
 * plus prefix ({@link org.partrec.storage.GcsBlobStore}, for staging and production). They move
 * bytes only; what the blobs mean, and how a model is verified and promoted, is the
 * {@link org.partrec.publish.ModelStore}'s business.
 */
package org.partrec.storage;

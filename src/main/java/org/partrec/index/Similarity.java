package org.partrec.index;

/** What "nearest" means for a {@link VectorIndex}. */
public enum Similarity {
    /** Inner product {@code q . v}: user-to-item ranking with ALS factors. */
    DOT,
    /** Cosine {@code q . v / (|q| |v|)}: item-to-item similarity; a zero vector scores 0. */
    COSINE
}

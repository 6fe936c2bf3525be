package org.partrec.warehouse;

/** The warehouse could not do what was asked; the message says which warehouse, what and why. */
public final class WarehouseException extends RuntimeException {

    public WarehouseException(String message, Throwable cause) {
        super(message, cause);
    }
}

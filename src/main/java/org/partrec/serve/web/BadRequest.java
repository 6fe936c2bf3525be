package org.partrec.serve.web;

/** A request the API refuses with 400, naming the offending parameter. */
public class BadRequest extends RuntimeException {

    private final String parameter;

    public BadRequest(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}

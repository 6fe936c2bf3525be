package org.partrec.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One flat JSON object, keys in insertion order, written on one line by Jackson. */
final class JsonLine {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> fields = new LinkedHashMap<>();

    /** A number, boolean or null as it is; anything else as its string. */
    JsonLine put(String key, Object value) {
        fields.put(key, value == null || value instanceof Number || value instanceof Boolean ? value
                : value.toString());
        return this;
    }

    /** Every entry of {@code values}, in its order. */
    JsonLine putAll(Map<String, ?> values) {
        values.forEach(this::put);
        return this;
    }

    /** A double rounded to {@code digits} decimals; null when it is not finite. */
    JsonLine put(String key, double value, int digits) {
        fields.put(key, Double.isFinite(value)
                ? Double.parseDouble(String.format(Locale.ROOT, "%." + digits + "f", value)) : null);
        return this;
    }

    @Override
    public String toString() {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of plain values always serialises", e);
        }
    }
}

package org.partrec.serve.web;

import java.util.List;
import org.partrec.serve.ItemFilter;

/**
 * The one place where request parameters are checked: limit in {@code 1..maxLimit}, offset
 * {@code >= 0} with {@code offset + limit <= maxWindow}, ids non-blank and at most
 * {@code maxIdLength} characters, baskets of {@code 1..maxBasket} ids, request bodies of at most
 * {@code maxBodyBytes} (see {@link BodyLimit}). Each violation is a
 * {@link BadRequest} naming the parameter. With {@code maxConcurrent} above 0, storefront requests
 * are answered that many at a time, each waiting at most {@code maxQueueWait} for its turn
 * ({@link Admission}).
 */
public record ApiLimits(int maxLimit, int maxWindow, int maxIdLength, int maxBasket, int maxBodyBytes,
                        int maxConcurrent, java.time.Duration maxQueueWait) {

    void page(int limit, int offset) {
        if (limit < 1 || limit > maxLimit) {
            throw new BadRequest("limit", "limit must be between 1 and " + maxLimit + ", got " + limit);
        }
        if (offset < 0) {
            throw new BadRequest("offset", "offset must be >= 0, got " + offset);
        }
        if ((long) offset + limit > maxWindow) {
            throw new BadRequest("offset", "offset + limit must be <= " + maxWindow + ", got " + ((long) offset + limit));
        }
    }

    String id(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequest(name, name + " must not be empty");
        }
        if (value.length() > maxIdLength) {
            throw new BadRequest(name, name + " must be at most " + maxIdLength + " characters, got " + value.length());
        }
        return value;
    }

    String filter(String name, String value) {
        if (value != null && (value.isBlank() || value.length() > maxIdLength)) {
            throw new BadRequest(name, name + " must be 1 to " + maxIdLength + " characters");
        }
        return value;
    }

    /** The filters of a request, each checked like an id. */
    ItemFilter filter(String category, String brand, Boolean inStock, String fits) {
        return new ItemFilter(filter("category", category), filter("brand", brand), inStock, filter("fits", fits));
    }

    List<String> basket(List<String> items) {
        if (items == null || items.isEmpty()) {
            throw new BadRequest("items", "items must list at least one item id");
        }
        if (items.size() > maxBasket) {
            throw new BadRequest("items", "items may list at most " + maxBasket + " ids, got " + items.size());
        }
        for (String id : items) {
            id("items", id);
        }
        return items;
    }
}

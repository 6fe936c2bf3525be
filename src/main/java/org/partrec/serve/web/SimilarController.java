package org.partrec.serve.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.partrec.events.RecommendationId;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.Merchandising;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * "Similar parts".
 * <pre>
 * GET /similar/{itemId}?limit=10&amp;offset=0[&amp;category=..][&amp;brand=..][&amp;inStock=..][&amp;fits=..]
 * </pre>
 * Cosine neighbours of the item's factors, never the item itself; filters apply before ranking,
 * the merchandising rules to the list ranked ({@link Merchandising}).
 * An unknown item is 404 problem+json; a bad parameter 400; before the first model 503.
 */
@RestController
@Tag(name = "similar")
class SimilarController {

    private final ServingModel serving;
    private final ApiLimits limits;
    private final MeterRegistry registry;
    private final Merchandising rules;

    SimilarController(ServingModel serving, ApiLimits limits, MeterRegistry registry, Merchandising rules) {
        this.rules = rules;
        this.serving = serving;
        this.limits = limits;
        this.registry = registry;
    }

    @Operation(operationId = "similarItems", summary = "Similar parts",
            description = "Cosine neighbours of the item's factors, never the item itself. Filters apply before"
                    + " ranking. An item the serving model does not know is 404.")
    @Direct
    @GetMapping("/similar/{itemId}")
    ResponseEntity<Responses.Similar> similar(@PathVariable String itemId,
            @RequestParam(defaultValue = "10") int limit, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(required = false) String category, @RequestParam(required = false) String brand,
            @RequestParam(required = false) Boolean inStock, @RequestParam(required = false) String fits) {
        limits.id("itemId", itemId);
        limits.page(limit, offset);
        ItemFilter filter = limits.filter(category, brand, inStock, fits);
        Snapshot s = Responses.snapshot(serving);
        if (s.items().indexOf(itemId) < 0) {
            throw new Problems.NotFound("unknown item '" + itemId + "': the serving model (" + s.version()
                    + ") has no interactions with it");
        }
        Storefront.Answer a = rules.answer(s, filter, offset, limit,
                (o, n, f) -> Storefront.similar(s, itemId, o, n, f).orElseThrow());
        RecommendationId id = Responses.served(registry, "similar", a);
        return Responses.ok(a, id, new Responses.Similar(itemId, a.modelVersion(), id.format(), a.source().label(),
                Responses.items(a)));
    }
}

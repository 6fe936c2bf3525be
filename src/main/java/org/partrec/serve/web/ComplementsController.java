package org.partrec.serve.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.partrec.events.RecommendationId;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * "Frequently bought together".
 * <pre>
 * GET /complements/{itemId}?limit=10&amp;offset=0[&amp;category=..][&amp;brand=..][&amp;inStock=..][&amp;fits=..]
 * </pre>
 * Parts bought by at least {@code partrec.complements.min-shared-buyers} of the item's buyers that
 * fit the same vehicle (a universal part fits every one), ranked by {@code partrec.complements.measure}
 * (normalised PMI by default, {@link org.partrec.serve.CoPurchases}); at most {@code partrec.complements.top} of them, counted
 * when the snapshot was built. Filters apply to that list; an item without complements gets an
 * empty list. An unknown item is 404 problem+json; a bad parameter 400; before the first snapshot 503.
 */
@RestController
@Tag(name = "complements")
class ComplementsController {

    private final ServingModel serving;
    private final ApiLimits limits;
    private final MeterRegistry registry;

    ComplementsController(ServingModel serving, ApiLimits limits, MeterRegistry registry) {
        this.serving = serving;
        this.limits = limits;
        this.registry = registry;
    }

    @Operation(operationId = "complementItems", summary = "Parts frequently bought together",
            description = "Parts bought by at least partrec.complements.min-shared-buyers of the item's buyers that fit"
                    + " the same vehicle (a universal part fits every one), most associated first (normalised"
                    + " pointwise mutual information of the pair's purchases, by default); at most"
                    + " partrec.complements.top of them. Filters apply to that list, so an answer may be short or"
                    + " empty. An item the serving snapshot does not know is 404.")
    @Direct
    @GetMapping("/complements/{itemId}")
    ResponseEntity<Responses.Complements> complements(@PathVariable String itemId,
            @RequestParam(defaultValue = "10") int limit, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(required = false) String category, @RequestParam(required = false) String brand,
            @RequestParam(required = false) Boolean inStock, @RequestParam(required = false) String fits) {
        limits.id("itemId", itemId);
        limits.page(limit, offset);
        ItemFilter filter = limits.filter(category, brand, inStock, fits);
        Snapshot s = Responses.snapshot(serving);
        Storefront.Answer a = Storefront.complements(s, itemId, offset, limit, filter)
                .orElseThrow(() -> new Problems.NotFound("unknown item '" + itemId + "': the serving snapshot ("
                        + s.version() + ") has no interactions with it"));
        RecommendationId id = Responses.served(registry, "complements", a);
        return Responses.ok(a, id, new Responses.Complements(itemId, a.modelVersion(), id.format(),
                a.source().label(), Responses.items(a)));
    }
}

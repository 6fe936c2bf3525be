package org.partrec.serve.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.partrec.events.ExperimentTally;
import org.partrec.events.RecommendationId;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.Merchandising;
import org.partrec.serve.Realtime;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * "Recommended for you".
 * <pre>
 * GET  /recommendations/{userId}?limit=10&amp;offset=0&amp;includePurchased=false
 *      [&amp;category=..][&amp;brand=..][&amp;inStock=true|false][&amp;fits=platform]
 * POST /recommendations?limit=..   body {"items": ["itemId", ...]}   (a cart or anonymous session)
 * </pre>
 * A known user gets the model's list ({@code source: model}), an unknown one the popular list
 * ({@code source: popular}); a basket is folded into a user vector ({@code source: foldin}); a
 * user with events since the model was trained gets them taken in ({@code source: realtime}).
 * During an experiment a customer in the challenger's share is answered by the challenger
 * ({@code recommendationId}'s variant says which); baskets are the champion's.
 * Filters apply before ranking; the merchandising rules ({@code partrec.rules}) to the list ranked
 * ({@link Merchandising}: items in a promoted slot say {@code promoted}). Errors: 400 for a bad parameter, 503 before the first model;
 * always {@code application/problem+json}. The model version is in {@code X-Model-Version}.
 */
@RestController
@Tag(name = "recommendations")
class RecommendationsController {

    private final ServingModel serving;
    private final ApiLimits limits;
    private final MeterRegistry registry;
    private final Realtime realtime;
    private final ExperimentTally tally;
    private final Merchandising rules;

    RecommendationsController(ServingModel serving, ApiLimits limits, MeterRegistry registry, Realtime realtime,
                              ExperimentTally tally, Merchandising rules) {
        this.rules = rules;
        this.realtime = realtime;
        this.tally = tally;
        this.serving = serving;
        this.limits = limits;
        this.registry = registry;
    }

    /** The basket of {@code POST /recommendations}. */
    record Basket(List<String> items) {
    }

    @Operation(operationId = "recommendForUser", summary = "Recommended for you",
            description = "The model's list for a known user (source model), the popular list for an unknown one"
                    + " (source popular), never an error for an unknown user. Items the user bought are left out"
                    + " unless includePurchased. Filters apply before ranking.")
    @GetMapping("/recommendations/{userId}")
    ResponseEntity<Responses.Recommendations> forUser(@PathVariable String userId,
            @RequestParam(defaultValue = "10") int limit, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "false") boolean includePurchased,
            @RequestParam(required = false) String category, @RequestParam(required = false) String brand,
            @RequestParam(required = false) Boolean inStock, @RequestParam(required = false) String fits) {
        limits.id("userId", userId);
        limits.page(limit, offset);
        ItemFilter filter = limits.filter(category, brand, inStock, fits);
        ServingModel.Assignment as = Responses.assignment(serving, userId); // the champion, or a challenger under test
        Snapshot s = as.snapshot();
        Storefront.Answer a = rules.answer(s, filter, offset, limit, (o, n, f) -> {
            Storefront.Answer r = realtime.forUser(s, userId, o, n, includePurchased, f);
            return r != null ? r : Storefront.forUser(s, userId, o, n, includePurchased, f); // null: no recent event
        });
        RecommendationId id = Responses.served(registry, "recommendations", as.variant(), a);
        if (as.experiment() && !a.items().isEmpty()) {
            tally.served(as.variant());
        }
        return Responses.ok(a, id, new Responses.Recommendations(userId, a.modelVersion(), id.format(), a.source().label(),
                Responses.items(a)));
    }

    @Operation(operationId = "recommendForBasket", summary = "Recommended for a basket",
            description = "A cart or an anonymous session: its items are folded into a user vector (source foldin)"
                    + " and left out of the answer. Filters apply before ranking.")
    @PostMapping("/recommendations")
    ResponseEntity<Responses.Recommendations> forBasket(@RequestBody(required = false) Basket basket,
            @RequestParam(defaultValue = "10") int limit, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(required = false) String category, @RequestParam(required = false) String brand,
            @RequestParam(required = false) Boolean inStock, @RequestParam(required = false) String fits) {
        List<String> items = limits.basket(basket == null ? null : basket.items());
        limits.page(limit, offset);
        ItemFilter filter = limits.filter(category, brand, inStock, fits);
        Snapshot s = Responses.snapshot(serving);
        Storefront.Answer a = rules.answer(s, filter, offset, limit, (o, n, f) -> Storefront.forBasket(s, items, o, n, f));
        RecommendationId id = Responses.served(registry, "basket", a);
        return Responses.ok(a, id, new Responses.Recommendations(null, a.modelVersion(), id.format(), a.source().label(),
                Responses.items(a)));
    }
}

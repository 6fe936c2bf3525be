package org.partrec.serve.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.partrec.events.ExperimentTally;
import org.partrec.events.RecommendationId;
import org.partrec.serve.Garage;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.Explanations;
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
 *      [&amp;category=..][&amp;brand=..][&amp;inStock=true|false][&amp;fits=auto|any|platform][&amp;vehicle=platform]
 * POST /recommendations?limit=..[&amp;fits=..][&amp;vehicle=..]   body {"items": ["itemId", ...]}   (a cart or anonymous session)
 * </pre>
 * {@code fits=auto}, the default, keeps the answer to parts that fit the customer's garage
 * ({@link Garage}): the request's {@code vehicle}, else the vehicle of their latest posted event
 * that named one, else the platforms inferred from what they bought and kept (for a basket, from
 * its parts); no filter when none is known. {@code fits=any} switches it off, {@code fits=}
 * a platform asks for that one. The answer's {@code garage} says what was applied.
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
                    + " unless includePurchased. Filters apply before ranking. With fits=auto (the default) only parts"
                    + " that fit the customer's garage, when one is known (garage says which).")
    @Direct
    @GetMapping("/recommendations/{userId}")
    ResponseEntity<Responses.Recommendations> forUser(@PathVariable String userId,
            @RequestParam(defaultValue = "10") int limit, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "false") boolean includePurchased,
            @RequestParam(required = false) String category, @RequestParam(required = false) String brand,
            @RequestParam(required = false) Boolean inStock, @RequestParam(required = false) String fits,
            @RequestParam(required = false) String vehicle, @RequestParam(defaultValue = "false") boolean explain) {
        limits.id("userId", userId);
        limits.page(limit, offset);
        ItemFilter filter = limits.filter(category, brand, inStock, fits);
        String declared = limits.filter("vehicle", vehicle);
        ServingModel.Assignment as = Responses.assignment(serving, userId); // the champion, or a challenger under test
        Snapshot s = as.snapshot();
        Garage.Applied garage = Garage.forRequest(filter, declared, () -> realtime.garage(s, userId));
        filter = garage == null ? filter : filter.withGarage(garage.platforms());
        Storefront.Answer a = rules.answer(s, filter, offset, limit, (o, n, f) -> {
            Storefront.Answer r = realtime.forUser(s, userId, o, n, includePurchased, f);
            return r != null ? r : Storefront.forUser(s, userId, o, n, includePurchased, f); // null: no recent event
        });
        List<Responses.Item> items = explain ? Responses.items(a, Explanations.labelled(
                Explanations.forUser(s, a, userId, realtime), a, garage == null ? null : garage.platforms()))
                : Responses.items(a);
        // counted once the answer is sure: a handler that fails before is called again (DirectDispatch)
        RecommendationId id = Responses.served(registry, "recommendations", as.variant(), a);
        if (as.experiment() && !a.items().isEmpty()) {
            tally.served(as.variant());
        }
        return Responses.ok(a, id, new Responses.Recommendations(userId, a.modelVersion(), id.format(), a.source().label(),
                items, Responses.garage(garage)));
    }

    @Operation(operationId = "explainRecommendation", summary = "Why an item is recommended to a user",
            description = "The item's score for the customer taken apart (Hu, Koren and Volinsky 2008, section 5): each"
                    + " item of their history (what the model was trained on, and events since) with its share. 404 for"
                    + " an unknown item, or a customer with no history (their list is the popular one).")
    @GetMapping("/recommendations/{userId}/because/{itemId}")
    ResponseEntity<Responses.Because> because(@PathVariable String userId, @PathVariable String itemId) {
        limits.id("userId", userId);
        limits.id("itemId", itemId);
        Snapshot s = Responses.assignment(serving, userId).snapshot();
        if (s.items().indexOf(itemId) < 0) {
            throw new Problems.NotFound("unknown item '" + itemId + "': the serving model (" + s.version()
                    + ") does not know it");
        }
        Explanations.Breakdown b = Explanations.because(s, userId, itemId, realtime)
                .orElseThrow(() -> new Problems.NotFound("user '" + userId + "' has no history the serving model ("
                        + s.version() + ") or their events know: their list is the popular one"));
        List<Responses.Share> shares = b.shares().stream().map(sh -> new Responses.Share(sh.itemId(), sh.info().name(),
                sh.confidence(), sh.contribution())).toList();
        return ResponseEntity.ok().header(Responses.MODEL_VERSION_HEADER, s.version()).body(new Responses.Because(userId,
                itemId, s.version(), b.source().label(), b.score(), b.explained(), b.residual(), shares));
    }

    @Operation(operationId = "recommendForBasket", summary = "Recommended for a basket",
            description = "A cart or an anonymous session: its items are folded into a user vector (source foldin)"
                    + " and left out of the answer. Filters apply before ranking. With fits=auto (the default) only parts"
                    + " that fit the vehicle parameter, else the platforms of the basket's parts (garage says which).")
    @Direct
    @PostMapping("/recommendations")
    ResponseEntity<Responses.Recommendations> forBasket(@RequestBody(required = false) Basket basket,
            @RequestParam(defaultValue = "10") int limit, @RequestParam(defaultValue = "0") int offset,
            @RequestParam(required = false) String category, @RequestParam(required = false) String brand,
            @RequestParam(required = false) Boolean inStock, @RequestParam(required = false) String fits,
            @RequestParam(required = false) String vehicle, @RequestParam(defaultValue = "false") boolean explain) {
        List<String> items = limits.basket(basket == null ? null : basket.items());
        limits.page(limit, offset);
        ItemFilter filter = limits.filter(category, brand, inStock, fits);
        String declared = limits.filter("vehicle", vehicle);
        Snapshot s = Responses.snapshot(serving);
        Garage.Applied garage = Garage.forRequest(filter, declared, () -> {
            List<String> platforms = s.garage().inferFrom(items.stream().mapToInt(s.items()::indexOf)
                    .filter(i -> i >= 0).toArray());
            return platforms.isEmpty() ? null : new Garage.Applied(platforms, Garage.Source.BASKET);
        });
        filter = garage == null ? filter : filter.withGarage(garage.platforms());
        Storefront.Answer a = rules.answer(s, filter, offset, limit, (o, n, f) -> Storefront.forBasket(s, items, o, n, f));
        List<Responses.Item> answered = explain ? Responses.items(a, Explanations.labelled(
                Explanations.forBasket(s, a, items), a, garage == null ? null : garage.platforms()))
                : Responses.items(a);
        RecommendationId id = Responses.served(registry, "basket", a); // once the answer is sure, as above
        return Responses.ok(a, id, new Responses.Recommendations(null, a.modelVersion(), id.format(), a.source().label(),
                answered, Responses.garage(garage)));
    }
}

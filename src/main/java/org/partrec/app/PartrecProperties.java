package org.partrec.app;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the service, bound from {@code partrec.*} ({@code configs/<env>.yaml} hold
 * the same keys). A bad value stops start-up with a message naming the key.
 */
@Validated
@ConfigurationProperties("partrec")
public record PartrecProperties(@Valid @NotNull Demo demo, @Valid @NotNull Training training, @Valid @NotNull Gate gate,
                                @Valid @NotNull Serving serving, @Valid @NotNull Api api) {

    /** The generated demo store (the embedded default's data). */
    public record Demo(@Min(1) int customers, @Min(1) int parts, @Min(1) long events, long seed) {
    }

    /**
     * ALS parameters and the schedule.
     *
     * @param threads     0 for every core
     * @param every       time between scheduled runs
     * @param atStartup   whether to run once as soon as the service starts
     * @param parameters  {@code config}: the values here; {@code tune}: the core's parameter search,
     *                    starting from them
     * @param retuneEvery with {@code tune}: how long a search's choice is reused
     * @param tuneBudget  with {@code tune}: the search's time budget
     */
    public record Training(@Min(1) @Max(1024) int factors, @Min(1) @Max(1000) int iterations,
                           @DecimalMin("0.0") double regularization, @DecimalMin("0.0") double alpha,
                           @NotNull @Pattern(regexp = "none|log1p|bm25") String weighting, @Min(0) @Max(1024) int threads,
                           long seed, @NotNull Duration every, boolean atStartup, @Min(1) @Max(1000) int history,
                           @NotNull @Pattern(regexp = "config|tune") String parameters, @NotNull Duration retuneEvery,
                           @NotNull Duration tuneBudget) {
    }

    /** What a model must reach on the holdout to be served; see {@code publish.GateThresholds}. */
    public record Gate(@DecimalMin("0.0") @DecimalMax("1.0") double minNdcg,
                       @DecimalMin("0.0") @DecimalMax("1.0") double minPrecision,
                       @DecimalMin("0.0") @DecimalMax("1.0") double minHnswRecall,
                       @DecimalMin("0.0") @DecimalMax("1.0") double maxDrop,
                       @DecimalMin("0.0") double minMarginOverPopular) {
    }

    /**
     * How the model is served.
     *
     * @param index       {@code exact} (a vectorised scan; fastest up to tens of thousands of items)
     *                    or {@code hnsw}
     * @param precomputed items ranked ahead for every user when a model is swapped in (unfiltered
     *                    requests are then slices of stored lists; memory: users x this x 8 bytes);
     *                    0 ranks nothing ahead
     */
    public record Serving(@NotNull @Pattern(regexp = "exact|hnsw") String index, @Min(2) @Max(512) int hnswM,
                          @Min(2) int hnswEfConstruction, @Min(1) int hnswEf, @Min(0) @Max(1000) int precomputed) {
    }

    /** Request limits of the storefront API. */
    public record Api(@Min(1) int maxLimit, @Min(1) int maxWindow, @Min(1) int maxIdLength, @Min(1) int maxBasket) {
    }
}

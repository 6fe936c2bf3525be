package org.partrec.events;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What names one answer of the API, so that the events it leads to can be attributed to it: the
 * endpoint, the model version and the variant that answered, and when. Sent with every answer
 * ({@code recommendationId} in the body, {@code X-Recommendation-Id}) and posted back with the
 * events that came from it. Written {@code r1.<endpoint>.<variant>.<issued, epoch seconds in base
 * 36>.<nonce>.<model version>}: readable in logs, and nothing to look up.
 */
public record RecommendationId(String endpoint, String variant, Instant issuedAt, String nonce, String modelVersion) {

    /** The endpoints that answer with items. */
    public static final Set<String> ENDPOINTS = Set.of("recommendations", "basket", "similar", "complements");
    /** The variant of every answer outside an experiment, and of the champion's within one. */
    public static final String CHAMPION = "champion";
    /** The variant of the answers a challenger under test gives. */
    public static final String CHALLENGER = "challenger";

    /** A new id for an answer given now. */
    public static RecommendationId issue(String endpoint, String variant, String modelVersion, Instant now) {
        return new RecommendationId(endpoint, variant, Instant.ofEpochSecond(now.getEpochSecond()),
                Long.toString(ThreadLocalRandom.current().nextLong() >>> 16, 36), modelVersion); // tells answers apart: no secret
    }

    /** As sent. */
    public String format() {
        return "r1." + endpoint + "." + variant + "." + Long.toString(issuedAt.getEpochSecond(), 36) + "." + nonce + "."
                + modelVersion;
    }

    /** The id a client sent back, if it is one this service wrote. */
    public static Optional<RecommendationId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] p = text.split("\\.", 6);
        if (p.length != 6 || !p[0].equals("r1") || !ENDPOINTS.contains(p[1]) || p[2].isEmpty() || p[4].isEmpty()
                || p[5].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RecommendationId(p[1], p[2], Instant.ofEpochSecond(Long.parseLong(p[3], 36)), p[4],
                    p[5]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

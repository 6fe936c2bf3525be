package org.partrec.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One process's outcomes of a champion/challenger experiment, by variant: the answers of
 * {@code GET /recommendations/{userId}} it gave, and the attributed events that followed them
 * (clicks are views, carts, conversions are answers followed by at least one purchase, and the
 * revenue of those purchases). The fleet's outcomes are the sum of every process's tally (a restarted
 * replica writes a new one beside its last)
 * ({@link #format} and {@link #parse}, kept in the model store); {@link Comparison} compares them.
 *
 * <p>The unit is the answer: conversion is the share of answers followed by a purchase within the
 * attribution window. Answers of one customer are not independent, so the interval is somewhat
 * narrower than a per-customer one would be; {@code minAnswers} should be set with that in mind.
 */
public final class ExperimentTally {

    /** The outcomes of one variant. */
    public record Outcomes(long answers, long clicks, long carts, long conversions, double revenue) {
        public static final Outcomes NONE = new Outcomes(0, 0, 0, 0, 0);

        public Outcomes plus(Outcomes o) {
            return new Outcomes(answers + o.answers, clicks + o.clicks, carts + o.carts, conversions + o.conversions,
                    revenue + o.revenue);
        }

        /** Conversions per answer; 0 without answers. */
        public double conversion() {
            return answers == 0 ? 0 : (double) conversions / answers;
        }
    }

    /**
     * The challenger's conversion against the champion's: the difference and its 95% interval
     * (normal approximation of the difference of two proportions, unpooled).
     *
     * @param decided whether both variants have {@code minAnswers} answers and the interval
     *                excludes zero
     */
    public record Comparison(double champion, double challenger, double difference, double low, double high,
                             boolean decided) {

        /** z for a two-sided 95% interval. */
        static final double Z95 = 1.959963984540054;

        public static Comparison of(Outcomes champion, Outcomes challenger, long minAnswers) {
            double p1 = champion.conversion();
            double p2 = challenger.conversion();
            double se = Math.sqrt((champion.answers() == 0 ? 0 : p1 * (1 - p1) / champion.answers())
                    + (challenger.answers() == 0 ? 0 : p2 * (1 - p2) / challenger.answers()));
            double d = p2 - p1;
            boolean enough = champion.answers() >= minAnswers && challenger.answers() >= minAnswers;
            double low = d - Z95 * se;
            double high = d + Z95 * se;
            return new Comparison(p1, p2, d, low, high, enough && (low > 0 || high < 0));
        }

        /** Whether the challenger converts better (meaningful once {@link #decided}). */
        public boolean challengerWins() {
            return low > 0;
        }
    }

    private static final Pattern LINE = Pattern.compile(
            "([a-z]+) answers=(\\d+) clicks=(\\d+) carts=(\\d+) conversions=(\\d+) revenue=([0-9.]+)");

    private final String experiment;
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private final Map<String, double[]> revenue = new LinkedHashMap<>();
    private final Map<String, Boolean> converted;

    /**
     * @param remembered answers remembered as converted, so that a second purchase does not convert
     *                   one again (the oldest forgotten first)
     */
    public ExperimentTally(String experiment, int remembered) {
        this.experiment = experiment;
        this.converted = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        };
        for (String v : List.of(RecommendationId.CHAMPION, RecommendationId.CHALLENGER)) {
            counts.put(v, new long[4]);
            revenue.put(v, new double[1]);
        }
    }

    public String experiment() {
        return experiment;
    }

    /** An answer with items given by {@code variant}. */
    public synchronized void served(String variant) {
        long[] c = counts.get(variant);
        if (c != null) {
            c[0]++;
        }
    }

    /**
     * An attributed event (see {@link Attribution}): counted when it came from a
     * recommendations answer of either variant given since {@code since} (the challenger's start:
     * an answer given before it is no answer of the experiment).
     */
    public synchronized void attributed(RecommendationId id, Event.Type type, double revenue, Instant since) {
        long[] c = counts.get(id.variant());
        if (c == null || !id.endpoint().equals("recommendations")
                || id.issuedAt().isBefore(since.truncatedTo(ChronoUnit.SECONDS))) {
            return;
        }
        switch (type) {
            case VIEW -> c[1]++;
            case CART -> c[2]++;
            case PURCHASE -> {
                if (converted.put(id.format(), Boolean.TRUE) == null) {
                    c[3]++;
                }
                this.revenue.get(id.variant())[0] += revenue;
            }
            default -> {
            }
        }
    }

    /** This process's outcomes by variant. */
    public synchronized Map<String, Outcomes> outcomes() {
        Map<String, Outcomes> out = new LinkedHashMap<>();
        counts.forEach((v, c) -> out.put(v, new Outcomes(c[0], c[1], c[2], c[3], revenue.get(v)[0])));
        return out;
    }

    /** This replica's tally as the store keeps it. */
    public String format() {
        StringBuilder text = new StringBuilder("experiment ").append(experiment).append('\n');
        outcomes().forEach((v, o) -> text.append(String.format(Locale.ROOT,
                "%s answers=%d clicks=%d carts=%d conversions=%d revenue=%.2f%n", v, o.answers(), o.clicks(), o.carts(),
                o.conversions(), o.revenue())));
        return text.toString();
    }

    /**
     * A tally read back, by variant; empty when it is of another experiment or not a tally (a
     * line it does not know is skipped).
     */
    public static Map<String, Outcomes> parse(String text, String experiment) {
        Map<String, Outcomes> out = new LinkedHashMap<>();
        String[] lines = text.split("\\R");
        if (lines.length == 0 || !lines[0].equals("experiment " + experiment)) {
            return out;
        }
        for (int i = 1; i < lines.length; i++) {
            Matcher m = LINE.matcher(lines[i].strip());
            if (m.matches()) {
                out.merge(m.group(1), new Outcomes(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Double.parseDouble(m.group(6))),
                        Outcomes::plus);
            }
        }
        return out;
    }

    /** The sum of several tallies by variant (the fleet's, from every replica's). */
    public static Map<String, Outcomes> sum(List<Map<String, Outcomes>> tallies) {
        Map<String, Outcomes> out = new LinkedHashMap<>();
        out.put(RecommendationId.CHAMPION, Outcomes.NONE);
        out.put(RecommendationId.CHALLENGER, Outcomes.NONE);
        tallies.forEach(t -> t.forEach((v, o) -> out.merge(v, o, Outcomes::plus)));
        return out;
    }
}

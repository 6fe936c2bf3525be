package org.partrec.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tally of an experiment's outcomes, and the comparison of its variants. */
class ExperimentTallyTest {

    static final Instant T = Instant.parse("2026-12-06T12:00:00Z");
    static final Instant START = T.minusSeconds(3600);

    private static RecommendationId answer(String endpoint, String variant, Instant at) {
        return RecommendationId.issue(endpoint, variant, "20261206T110000Z-2", at);
    }

    @Test
    void countsAnswersAndTheirAttributedOutcomesByVariantAConversionOncePerAnswer() {
        ExperimentTally t = new ExperimentTally("exp", 1000);
        RecommendationId a = answer("recommendations", RecommendationId.CHALLENGER, T);
        RecommendationId b = answer("recommendations", RecommendationId.CHAMPION, T);
        t.served(RecommendationId.CHALLENGER);
        t.served(RecommendationId.CHAMPION);
        t.served(RecommendationId.CHAMPION);
        t.attributed(a, Event.Type.VIEW, 0, START);
        t.attributed(a, Event.Type.CART, 0, START);
        t.attributed(a, Event.Type.PURCHASE, 120.5, START);
        t.attributed(a, Event.Type.PURCHASE, 10, START); // the same answer: converts once, revenue adds
        t.attributed(b, Event.Type.RETURN, 0, START); // not an outcome
        t.attributed(answer("similar", RecommendationId.CHAMPION, T), Event.Type.PURCHASE, 99, START); // other endpoint
        t.attributed(answer("recommendations", RecommendationId.CHAMPION, START.minusSeconds(1)), Event.Type.PURCHASE,
                99, START); // an answer from before the experiment

        Map<String, ExperimentTally.Outcomes> o = t.outcomes();
        assertThat(o.get(RecommendationId.CHALLENGER)).isEqualTo(new ExperimentTally.Outcomes(1, 1, 1, 1, 130.5));
        assertThat(o.get(RecommendationId.CHAMPION)).isEqualTo(new ExperimentTally.Outcomes(2, 0, 0, 0, 0));
        assertThat(o.get(RecommendationId.CHALLENGER).conversion()).isEqualTo(1.0);
    }

    @Test
    void aTallyReadsBackAsWrittenAndTalliesOfSeveralProcessesAddUp() {
        ExperimentTally t = new ExperimentTally("exp-7", 1000);
        for (int i = 0; i < 5; i++) {
            t.served(RecommendationId.CHAMPION);
        }
        t.served(RecommendationId.CHALLENGER);
        t.attributed(answer("recommendations", RecommendationId.CHALLENGER, T), Event.Type.PURCHASE, 19.99, START);
        String text = t.format();
        assertThat(text).startsWith("experiment exp-7\n");
        Map<String, ExperimentTally.Outcomes> back = ExperimentTally.parse(text, "exp-7");
        assertThat(back).isEqualTo(t.outcomes());
        assertThat(ExperimentTally.parse(text, "exp-8")).as("another experiment's tally").isEmpty();
        assertThat(ExperimentTally.parse("not a tally", "exp-7")).isEmpty();

        Map<String, ExperimentTally.Outcomes> sum = ExperimentTally.sum(List.of(back, back, Map.of()));
        assertThat(sum.get(RecommendationId.CHAMPION).answers()).isEqualTo(10);
        assertThat(sum.get(RecommendationId.CHALLENGER)).isEqualTo(new ExperimentTally.Outcomes(2, 0, 0, 2, 39.98));
    }

    @Test
    void theIntervalOfTheDifferenceIsTheTwoProportionNormalInterval() {
        // 5.0% of 10,000 against 6.0% of 2,000: se = sqrt(.05*.95/10000 + .06*.94/2000) = 0.0057402
        ExperimentTally.Outcomes champion = new ExperimentTally.Outcomes(10_000, 0, 0, 500, 0);
        ExperimentTally.Outcomes challenger = new ExperimentTally.Outcomes(2_000, 0, 0, 120, 0);
        ExperimentTally.Comparison c = ExperimentTally.Comparison.of(champion, challenger, 1000);
        assertThat(c.difference()).isCloseTo(0.01, within(1e-12));
        assertThat(c.low()).isCloseTo(0.01 - 1.959964 * 0.0057402, within(1e-5));
        assertThat(c.high()).isCloseTo(0.01 + 1.959964 * 0.0057402, within(1e-5));
        assertThat(c.decided()).as("the interval includes 0").isFalse();

        ExperimentTally.Outcomes better = new ExperimentTally.Outcomes(2_000, 0, 0, 160, 0); // 8.0%
        ExperimentTally.Comparison won = ExperimentTally.Comparison.of(champion, better, 1000);
        assertThat(won.low()).isPositive();
        assertThat(won.decided()).isTrue();
        assertThat(won.challengerWins()).isTrue();
        assertThat(ExperimentTally.Comparison.of(champion, better, 5000).decided())
                .as("too few challenger answers to decide").isFalse();

        ExperimentTally.Outcomes worse = new ExperimentTally.Outcomes(2_000, 0, 0, 40, 0); // 2.0%
        ExperimentTally.Comparison lost = ExperimentTally.Comparison.of(champion, worse, 1000);
        assertThat(lost.decided()).isTrue();
        assertThat(lost.challengerWins()).isFalse();

        ExperimentTally.Comparison none = ExperimentTally.Comparison.of(ExperimentTally.Outcomes.NONE,
                ExperimentTally.Outcomes.NONE, 1);
        assertThat(none.decided()).isFalse();
        assertThat(none.difference()).isZero();
    }
}

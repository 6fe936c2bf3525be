package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The assignment of customers to a challenger: stable, and the configured share of them. */
class ExperimentTest {

    @Test
    void overAHundredThousandIdsTheChallengerServesItsShareWithinOnePercent() {
        for (double share : new double[] {0.01, 0.1, 0.5, 0.9}) {
            Experiment e = new Experiment("2026-12-factors-96", share);
            int in = 0;
            for (int i = 0; i < 100_000; i++) {
                if (e.challenger("C-" + i)) {
                    in++;
                }
            }
            assertThat(in / 100_000.0).as("share %s", share).isCloseTo(share, org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    void aCustomerKeepsTheirVariantAcrossInstancesAndANewExperimentDealsAgain() {
        Experiment a = new Experiment("exp-a", 0.5);
        Experiment sameOnAnotherReplica = new Experiment("exp-a", 0.5);
        Experiment b = new Experiment("exp-b", 0.5);
        int againInB = 0;
        for (int i = 0; i < 10_000; i++) {
            String user = "C-" + i;
            assertThat(sameOnAnotherReplica.challenger(user)).isEqualTo(a.challenger(user));
            if (a.challenger(user) && b.challenger(user)) {
                againInB++;
            }
        }
        // independent deals: a quarter of the customers are challengers in both, not a half
        assertThat(againInB / 10_000.0).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.02));
        // pinned: a change of the hash would move customers between variants of a running experiment
        // when replicas of two builds serve side by side during a rollout
        assertThat(Experiment.fraction("exp-a", "C-1")).isEqualTo(0.3359206772171569);
        assertThat(Experiment.fraction("exp-a", "C-2")).isEqualTo(0.7442123187135904);
        assertThat(Experiment.fraction("exp-a", "HLY-CUST-00042")).isEqualTo(0.603017606376352);
        assertThat(new Experiment("exp-a", 0.34).challenger("C-1")).isTrue();
        assertThat(new Experiment("exp-a", 0.33).challenger("C-1")).isFalse();
    }

    @Test
    void aLargerShareKeepsTheChallengersOfASmallerOne() {
        Experiment small = new Experiment("ramp", 0.1);
        Experiment large = new Experiment("ramp", 0.3);
        for (int i = 0; i < 10_000; i++) {
            if (small.challenger("C-" + i)) {
                assertThat(large.challenger("C-" + i)).isTrue();
            }
        }
    }

    @Test
    void anExperimentNeedsAnIdAndAShareStrictlyBetweenZeroAndOne() {
        assertThatThrownBy(() -> new Experiment("", 0.5)).hasMessageContaining("needs an id");
        assertThatThrownBy(() -> new Experiment("x", 0)).hasMessageContaining("above 0 and below 1");
        assertThatThrownBy(() -> new Experiment("x", 1)).hasMessageContaining("above 0 and below 1");
        assertThatThrownBy(() -> new Experiment("x", Double.NaN)).hasMessageContaining("above 0 and below 1");
    }
}

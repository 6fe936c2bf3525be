package org.partrec.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.partrec.features.CsrMatrix;
import org.partrec.features.InteractionCsv;
import org.partrec.features.Interactions;
import org.partrec.features.OnlineRetail;

class EvaluatorTest {

    @Test
    void aUserCapScoresASeededSampleWhoseMetricsMatchTheWholeHoldout() {
        Interactions train = InteractionCsv.read(OnlineRetail.train());
        Interactions test = InteractionCsv.read(OnlineRetail.test(), train.users().toBuilder(),
                train.items().toBuilder());
        CsrMatrix items = train.userItems();
        Evaluator all = new Evaluator(items, test, 10, 2);
        Evaluator sample = new Evaluator(items, test, 10, 2, 1000, 42);

        int[] everyone = all.testUsers();
        assertThat(everyone.length).isGreaterThan(2000);
        assertThat(everyone).contains(sample.testUsers());
        assertThat(sample.testUsers()).hasSize(1000).isSorted().doesNotHaveDuplicates()
                .isEqualTo(new Evaluator(items, test, 10, 2, 1000, 42).testUsers())
                .isNotEqualTo(new Evaluator(items, test, 10, 2, 1000, 43).testUsers());
        assertThat(new Evaluator(items, test, 10, 2, everyone.length, 42).testUsers()).isEqualTo(everyone);

        // a sample of 1,000 users estimates the popularity baseline's ndcg@10 to within sampling error
        PopularityRecommender popular = PopularityRecommender.fit(items, train.items());
        Metrics whole = all.evaluate(popular).metrics();
        Metrics part = sample.evaluate(popular).metrics();
        assertThat(part.users()).isEqualTo(1000);
        assertThat(whole.users()).isEqualTo(everyone.length);
        assertThat(part.ndcg()).isCloseTo(whole.ndcg(), within(0.02)).isNotEqualTo(whole.ndcg());
    }
}

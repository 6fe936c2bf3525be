package org.partrec.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExactIndexTest {

    static final float[][] ROWS = {{1, 0}, {0, 2}, {3, 3}, {-1, -1}, {0, 0}};

    @Test
    void dotProductRanksByInnerProduct() {
        ExactIndex index = new ExactIndex(ROWS, 2, Similarity.DOT);
        Neighbors n = index.search(new float[] {1, 2}, 5);
        // scores: 1, 4, 9, -3, 0
        assertThat(n.ids()).containsExactly(2, 1, 0, 4, 3);
        assertThat(n.scores()).containsExactly(9f, 4f, 1f, 0f, -3f);
    }

    @Test
    void cosineIgnoresLengthAndScoresZeroVectorsZero() {
        ExactIndex index = new ExactIndex(ROWS, 2, Similarity.COSINE);
        Neighbors n = index.search(new float[] {2, 2}, 5);
        assertThat(n.ids()[0]).isEqualTo(2);
        assertThat(n.scores()[0]).isCloseTo(1f, within(1e-6f));
        // (1,0) and (0,2) both at 45 degrees: cos = 1/sqrt 2, ties by smaller id
        assertThat(n.ids()[1]).isEqualTo(0);
        assertThat(n.ids()[2]).isEqualTo(1);
        assertThat(n.scores()[1]).isCloseTo((float) (1 / Math.sqrt(2)), within(1e-6f));
        assertThat(n.ids()[3]).isEqualTo(4);
        assertThat(n.scores()[3]).isZero();
        assertThat(n.scores()[4]).isCloseTo(-1f, within(1e-6f));
    }

    @Test
    void excludedRowsAreSkipped() {
        ExactIndex index = new ExactIndex(ROWS, 2, Similarity.DOT);
        assertThat(index.search(new float[] {1, 2}, 2, new int[] {1, 2}).ids()).containsExactly(0, 4);
    }

    @Test
    void askingForMoreThanTheCatalogueGivesTheCatalogue() {
        assertThat(new ExactIndex(ROWS, 2, Similarity.DOT).search(new float[] {1, 1}, 50).size()).isEqualTo(5);
    }
}

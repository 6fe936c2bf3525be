package org.partrec.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Returns taken off the offline protocol's train pairs: by hand, then on online-retail's cancellations. */
class ReturnsTest {

    @TempDir
    Path dir;

    Interactions train;

    /** The train file read, then {@code returns} over id maps that extend its. */
    Interactions read(String trainRows, String returnRows) throws IOException {
        Path t = dir.resolve("train.csv");
        Files.writeString(t, "user_id,item_id,weight,timestamp\n" + trainRows);
        Path r = dir.resolve("returns.csv");
        Files.writeString(r, "user_id,item_id,quantity,timestamp,invoice\n" + returnRows);
        train = InteractionCsv.read(t);
        return InteractionCsv.read(r, "quantity", train.users().toBuilder(), train.items().toBuilder());
    }

    static String row(CsrMatrix m, Interactions over, int user) {
        StringBuilder out = new StringBuilder();
        for (int p = m.start(user); p < m.end(user); p++) {
            out.append(over.items().idOf(m.index(p))).append('=').append(m.value(p)).append(' ');
        }
        return out.toString().strip();
    }

    /**
     * Return weight 2. u1 a: 4 - 2x1 = 2 (the return on day 15 counts; the one on day 25 comes
     * after u1's latest train row, day 20, in u1's test period: not counted); u1 b: 2 - 2x5 = -8,
     * left out; u2 c: 3 - 2x1 = 1 (a return without a time counts); u2 a untouched; returns of a
     * pair not in train (u2 b), of an item (z) or a user (u9) train does not know: not counted.
     */
    @Test
    void eachReturnedUnitTakesTheWeightOffItsTrainPairUntilTheUsersTestPeriod() throws IOException {
        Interactions returns = read("""
                u1,a,4,2011-01-10T00:00:00Z
                u1,b,2,2011-01-20T00:00:00Z
                u2,a,1,2011-01-05T00:00:00Z
                u2,c,3,2011-01-30T00:00:00Z
                """, """
                u1,a,1,2011-01-15T00:00:00Z,C1
                u1,a,1,2011-01-25T00:00:00Z,C2
                u1,b,5,2011-01-20T00:00:00Z,C3
                u2,c,1,,C4
                u2,b,1,2011-01-01T00:00:00Z,C5
                u2,z,1,2011-01-01T00:00:00Z,C6
                u9,a,1,2011-01-01T00:00:00Z,C7
                """);
        Returns r = Returns.apply(train, returns, 2);
        assertThat(row(r.fit(), train, train.users().indexOf("u1"))).isEqualTo("a=2.0");
        assertThat(row(r.fit(), train, train.users().indexOf("u2"))).isEqualTo("a=1.0 c=1.0");
        assertThat(r.returnsUsed()).isEqualTo(3);
        assertThat(r.pairsLowered()).isEqualTo(2);
        assertThat(r.pairsLeftOut()).isEqualTo(1);
        assertThat(r.fit().rows()).isEqualTo(2);
        assertThat(r.fit().cols()).isEqualTo(3);

        Returns none = Returns.apply(train, returns, 0);
        assertThat(row(none.fit(), train, 0) + " | " + row(none.fit(), train, 1)).isEqualTo("a=4.0 b=2.0 | a=1.0 c=3.0");
        assertThat(none.pairsLowered() + none.pairsLeftOut()).isZero();
        assertThatThrownBy(() -> Returns.apply(train, returns, -1)).hasMessageContaining(">= 0");
    }

    /** Counted by a separate script (Python, string-compared ISO times) over the same two files. */
    @Test
    void onlineRetailsCancellationsLowerAFewThousandTrainPairs() {
        Interactions t = InteractionCsv.read(OnlineRetail.train());
        Interactions returns = InteractionCsv.read(OnlineRetail.returns(), "quantity", t.users().toBuilder(),
                t.items().toBuilder());
        assertThat(returns.size()).isEqualTo(8_905);
        Returns r = Returns.apply(t, returns, 1);
        assertThat(r.returnsUsed()).isEqualTo(4_871);
        assertThat(r.pairsLowered()).isEqualTo(3_404);
        assertThat(r.pairsLeftOut()).isEqualTo(931);
        assertThat(r.fit().nnz()).isEqualTo(211_823 - 931);
    }
}

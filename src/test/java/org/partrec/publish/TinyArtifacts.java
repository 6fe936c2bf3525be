package org.partrec.publish;

import java.time.Instant;
import java.util.Map;
import org.partrec.extract.ItemInfo;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;

/** The smallest artifact a store can hold, for tests of where artifacts go rather than what they hold. */
public final class TinyArtifacts {

    private TinyArtifacts() {
    }

    /** 2 users, 3 items, 2 factors that differ by {@code seed}. */
    public static ModelArtifact artifact(String version, float seed) {
        AlsModel model = new AlsModel(2, new float[][] {{seed, 1}, {2, seed}},
                new float[][] {{1, 0}, {0, 1}, {seed, seed}});
        CsrMatrix interactions = CsrMatrix.fromTriples(2, 3, new int[] {0, 1}, new int[] {2, 0}, new float[] {1, 3});
        CsrMatrix purchased = CsrMatrix.fromTriples(2, 3, new int[] {1}, new int[] {0}, new float[] {1});
        return new ModelArtifact(version, Instant.parse("2026-11-27T22:15:00Z"), AlsParams.defaults().withFactors(2),
                Map.of("ndcg@10", 0.3), Map.of("pairs", 2L), "test", IdMap.of("alice", "bob"),
                IdMap.of("cam", "lifter", "gasket"), model, interactions, purchased,
                Map.of("cam", new ItemInfo("Cam", "Comp", "camshafts", 349.0, true, "GM LS")));
    }
}

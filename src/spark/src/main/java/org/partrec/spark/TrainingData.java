package org.partrec.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;

/**
 * The input's pairs over dense ids: users and items numbered in sorted order (String's natural
 * order, as {@code IdMap.Builder.buildSorted} numbers a warehouse's rows, so the artifact's ids are
 * the service's), the pairs coded with them on the executors ({@code user, item, weight}, cached),
 * and on the driver the users x items CSR of summed weights that the artifact stores.
 *
 * <p>The driver holds every id and every pair, as the artifact it writes does; the fit itself
 * runs on the executors.
 */
record TrainingData(IdMap users, IdMap items, CsrMatrix interactions, Dataset<Row> coded) {

    static final StructType CODED = new StructType()
            .add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("weight", DataTypes.DoubleType, false);

    /** Numbers the ids of {@code pairs} ({@code user_id, item_id, weight}, one row per pair) and codes them. */
    static TrainingData of(SparkSession spark, Dataset<Row> pairs) {
        pairs = pairs.cache();
        try {
            IdMap users = sortedIds(pairs, "user_id");
            IdMap items = sortedIds(pairs, "item_id");
            Dataset<Row> coded = pairs
                    .join(index(spark, users, "user_id", "user"), "user_id")
                    .join(index(spark, items, "item_id", "item"), "item_id")
                    .select("user", "item", "weight")
                    .cache();
            int n = Math.toIntExact(coded.count());
            int[] r = new int[n];
            int[] c = new int[n];
            float[] v = new float[n];
            int p = 0;
            for (Iterator<Row> it = coded.toLocalIterator(); it.hasNext(); p++) {
                Row row = it.next();
                r[p] = row.getInt(0);
                c[p] = row.getInt(1);
                v[p] = (float) row.getDouble(2);
            }
            if (p != n) {
                throw new IllegalStateException("counted " + n + " pairs, then read " + p);
            }
            CsrMatrix interactions = CsrMatrix.fromTriples(users.size(), items.size(), r, c, v);
            return new TrainingData(users, items, interactions, coded);
        } finally {
            pairs.unpersist();
        }
    }

    /** The distinct ids of one column, sorted on the driver (Spark sorts strings by UTF-8 bytes, Java by UTF-16 units). */
    private static IdMap sortedIds(Dataset<Row> pairs, String column) {
        List<String> ids = pairs.select(column).distinct().as(Encoders.STRING()).collectAsList();
        String[] sorted = ids.toArray(String[]::new);
        Arrays.sort(sorted);
        return IdMap.of(sorted);
    }

    /** {@code (idColumn, indexColumn)} rows: each id with its dense index. */
    private static Dataset<Row> index(SparkSession spark, IdMap ids, String idColumn, String indexColumn) {
        List<Row> rows = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            rows.add(RowFactory.create(ids.idOf(i), i));
        }
        StructType schema = new StructType()
                .add(idColumn, DataTypes.StringType, false)
                .add(indexColumn, DataTypes.IntegerType, false);
        return spark.createDataFrame(rows, schema);
    }

    long pairs() {
        return interactions.nnz();
    }
}

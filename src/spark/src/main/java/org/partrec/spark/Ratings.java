package org.partrec.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.partrec.features.Weighting;

/**
 * The ratings Spark's ALS is fitted on: each pair's summed weight {@code w} transformed to
 * {@code w'} by partrec's own {@link Weighting} (the same code the service's trainer runs, one
 * user's row at a time through {@link Weighting#applyRow}, on the executors). Spark then takes
 * {@code c = 1 + alpha * |w'|} as the confidence, partrec's {@code c = 1 + alpha * w'} for every
 * {@code w' > 0}; a pair with {@code w' <= 0} (only {@code bm25} makes one, for a user with more
 * than {@code items / e - 1} items) is a preference of 0 to Spark and of 1 to partrec.
 */
final class Ratings {

    static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("rating", DataTypes.FloatType, false);

    private Ratings() {
    }

    /**
     * {@code (user, item, rating)} with {@code rating = w'}.
     *
     * @param coded  {@link TrainingData#coded()}: {@code user, item, weight}
     * @param stats  the transform's statistics of the whole matrix ({@link Weighting#stats}), made on the driver
     */
    static Dataset<Row> of(SparkSession spark, Dataset<Row> coded, Weighting weighting, Weighting.Stats stats) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Stats is no Serializable; its parts are
        int items = stats.items();
        double mean = stats.meanItemSum();
        Broadcast<double[]> itemSums = stats.itemSums() == null ? null : jsc.broadcast(stats.itemSums());
        JavaRDD<Row> ratings = coded
                .groupBy(col("user"))
                .agg(collect_list(struct(col("item"), col("weight"))).as("row"))
                .javaRDD()
                .flatMap(user -> row(user, weighting, new Weighting.Stats(items,
                        itemSums == null ? null : itemSums.value(), mean)));
        return spark.createDataFrame(ratings, SCHEMA);
    }

    /** One user's row: its pairs' weights transformed together, as {@code Weighting.apply} does a CSR row. */
    private static Iterator<Row> row(Row user, Weighting weighting, Weighting.Stats stats) {
        int u = user.getInt(0);
        List<Row> pairs = user.getList(1);
        int n = pairs.size();
        int[] items = new int[n];
        float[] w = new float[n];
        Iterator<Row> it = pairs.iterator();
        for (int p = 0; p < n; p++) {
            Row pair = it.next();
            items[p] = pair.getInt(0);
            w[p] = (float) pair.getDouble(1);
        }
        float[] transformed = new float[n];
        weighting.applyRow(items, w, 0, n, stats, transformed, 0);
        List<Row> out = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            out.add(RowFactory.create(u, items[p], transformed[p]));
        }
        return out.iterator();
    }
}

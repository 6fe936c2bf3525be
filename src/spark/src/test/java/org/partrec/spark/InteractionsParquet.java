package org.partrec.spark;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Writes a benchmark CSV ({@code user_id,item_id,weight,timestamp}, one row per pair, as
 * {@code ../shared/BENCHMARK.md} describes; gzipped or not) as the job's input,
 * {@code INPUT/interactions/*.parquet} with {@code user_id, item_id} strings and {@code weight}
 * double, as the service writes it. The tests' slice and {@code bench/spark.sh} both use it:
 * <pre>
 *   java -cp TEST_CLASSPATH -Dspark.master=local[2] org.partrec.spark.InteractionsParquet CSV INPUT
 * </pre>
 */
final class InteractionsParquet {

    private InteractionsParquet() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: InteractionsParquet CSV INPUT");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("partrec-interactions-parquet").getOrCreate();
        try {
            long rows = write(spark, args[0], args[1], null);
            System.out.println("{\"pairs\":" + rows + "}");
        } finally {
            spark.stop();
        }
    }

    /** Writes the rows of {@code csv} that {@code keep} holds for (all when null); returns how many. */
    static long write(SparkSession spark, String csv, String input, Column keep) {
        Dataset<Row> rows = spark.read().option("header", "true").csv(csv);
        if (keep != null) {
            rows = rows.filter(keep);
        }
        Dataset<Row> pairs = rows.select(col("user_id"), col("item_id"),
                col("weight").cast(DataTypes.DoubleType).as("weight"));
        pairs.write().parquet(input + "/interactions");
        return spark.read().parquet(input + "/interactions").count();
    }
}

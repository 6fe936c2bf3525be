package org.partrec.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The contract's input: {@code INPUT/interactions/*.parquet}, one row per (user, item) pair with
 * columns {@code user_id} (string), {@code item_id} (string) and {@code weight} (the pair's summed
 * event weight, a finite number {@code > 0}), as the service hands its own trainer. Every way the
 * input can fall short of that is a {@link JobFailure} naming it: no folder, no Parquet file, a
 * missing or mistyped column, no rows, a null id, a weight that is not a finite number {@code > 0}.
 * Rows naming the same pair are summed, as {@code features.CsrMatrix.fromTriples} sums them.
 */
final class ParquetInput {

    private ParquetInput() {
    }

    /** The checked pairs: {@code user_id, item_id, weight} (double), one row per pair. */
    static Dataset<Row> read(SparkSession spark, String input) {
        Path dir = new Path(input, "interactions");
        FileStatus[] files;
        try {
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(dir)) {
                throw new JobFailure("no folder " + dir + " (the input is INPUT/interactions/*.parquet)");
            }
            files = fs.globStatus(new Path(dir, "*.parquet"));
        } catch (IOException | IllegalArgumentException e) {
            throw new JobFailure("cannot list " + dir + ": " + firstLine(e), e);
        }
        if (files == null || files.length == 0) {
            throw new JobFailure(dir + " holds no *.parquet file");
        }
        Dataset<Row> raw;
        try {
            raw = spark.read().parquet(Arrays.stream(files).map(f -> f.getPath().toString()).toArray(String[]::new));
        } catch (RuntimeException e) {
            throw new JobFailure("cannot read " + dir + " as Parquet: " + firstLine(e), e);
        }
        StructType schema = raw.schema();
        requireColumn(schema, dir, "user_id", DataTypes.StringType);
        requireColumn(schema, dir, "item_id", DataTypes.StringType);
        requireColumn(schema, dir, "weight", null);
        Dataset<Row> pairs = raw.select(col("user_id"), col("item_id"), col("weight").cast(DataTypes.DoubleType)
                .as("weight"));
        check(pairs, dir);
        return pairs.groupBy("user_id", "item_id").agg(sum("weight").as("weight"));
    }

    /** One pass over the rows: how many there are, and how many are bad. */
    private static void check(Dataset<Row> pairs, Path dir) {
        Column nullId = col("user_id").isNull().or(col("item_id").isNull());
        Column w = col("weight");
        // NaN > 0 holds in Spark SQL (NaN sorts above every number), so NaN is named on its own
        Column badWeight = w.isNull().or(isnan(w)).or(w.leq(0)).or(w.equalTo(Double.POSITIVE_INFINITY));
        Row counts;
        try {
            counts = pairs.agg(count(lit(1)), sum(when(nullId, 1).otherwise(0)), sum(when(badWeight, 1).otherwise(0)))
                    .first();
        } catch (RuntimeException e) {
            throw new JobFailure("cannot read " + dir + ": " + firstLine(e), e);
        }
        long rows = counts.getLong(0);
        if (rows == 0) {
            throw new JobFailure(dir + " holds no rows: nothing to train on");
        }
        long nullIds = counts.isNullAt(1) ? 0 : counts.getLong(1);
        if (nullIds > 0) {
            throw new JobFailure(dir + ": " + nullIds + " of " + rows + " rows have no user_id or item_id");
        }
        long badWeights = counts.isNullAt(2) ? 0 : counts.getLong(2);
        if (badWeights > 0) {
            Row first = pairs.filter(badWeight).first();
            throw new JobFailure(dir + ": " + badWeights + " of " + rows + " rows have a weight that is not a finite"
                    + " number > 0 (the first: user_id '" + first.getString(0) + "', item_id '" + first.getString(1)
                    + "', weight " + (first.isNullAt(2) ? "null" : first.getDouble(2)) + ")");
        }
    }

    /** {@code type} null: any number. */
    private static void requireColumn(StructType schema, Path dir, String name, DataType type) {
        StructField field = Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new JobFailure(dir + " has no column " + name + " (its columns: "
                        + String.join(", ", schema.fieldNames()) + "; expected user_id, item_id, weight)"));
        boolean ok = type == null ? field.dataType() instanceof NumericType : field.dataType().equals(type);
        if (!ok) {
            throw new JobFailure(dir + ": column " + name + " is " + field.dataType().simpleString() + ", expected "
                    + (type == null ? "a number" : type.simpleString()));
        }
    }

    /** The first line of a failure's message: Spark's carry a plan or a stack below it. */
    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}

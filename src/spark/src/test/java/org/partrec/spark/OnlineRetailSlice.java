package org.partrec.spark;

import static org.apache.spark.sql.functions.col;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * A slice of the UCI Online Retail train split committed in {@code datasets/online-retail} (the
 * users whose numeric id is a multiple of {@link #EVERY}): written as the service writes the job's
 * input, {@code interactions/*.parquet}, and read independently of Spark as the expected pairs.
 */
final class OnlineRetailSlice {

    /** One user in this many. */
    static final int EVERY = 5;

    /** Surefire sets {@code partrec.datasets} (see the pom); the default works from src/spark. */
    static final Path TRAIN = Path.of(System.getProperty("partrec.datasets", "../../datasets"))
            .resolve("online-retail/train.csv.gz");

    private OnlineRetailSlice() {
    }

    static boolean inSlice(String userId) {
        return Long.parseLong(userId) % EVERY == 0;
    }

    /** Writes the slice to {@code input/interactions} as Parquet (user_id, item_id string; weight double). */
    static void writeParquet(SparkSession spark, Path input) {
        InteractionsParquet.write(spark, TRAIN.toString(), input.toString(),
                col("user_id").cast(DataTypes.LongType).mod(EVERY).equalTo(0));
    }

    /** The slice's summed weights by user id, then item id (both sorted as Strings sort). */
    static Map<String, Map<String, Double>> expected() {
        Map<String, Map<String, Double>> pairs = new TreeMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(TRAIN)), StandardCharsets.UTF_8))) {
            in.readLine();
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(",", -1);
                if (inSlice(f[0])) {
                    pairs.computeIfAbsent(f[0], u -> new TreeMap<>()).merge(f[1], Double.parseDouble(f[2]), Double::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pairs;
    }
}

package org.partrec.spark;

import org.apache.spark.sql.SparkSession;

/** The local Spark session the tests share: two cores, loopback only, no UI. */
final class SparkTests {

    private SparkTests() {
    }

    static SparkSession local() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("partrec-spark-tests")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                // a test JVM paused for a while (a busy machine) must not lose its own executor
                .config("spark.network.timeout", "3600s")
                .config("spark.executor.heartbeatInterval", "600s")
                .getOrCreate();
    }
}

/**
 * The train step as a Spark job (issue 13): {@link org.partrec.spark.TrainJob} fits Spark MLlib's
 * implicit ALS on the interactions the service wrote as Parquet and writes the same model artifact
 * as the service's own trainer, through {@code publish.ModelArtifact}.
 *
 * <p>Built by {@code src/spark/pom.xml}, a build of its own with Spark {@code provided}, so that
 * Spark never reaches the service's jar; the partrec classes it reuses ({@code publish},
 * {@code features.Weighting}, {@code train.AlsParams}, ...) are compiled from the service's own
 * sources into the job jar.
 *
 * <h2>partrec's parameters in Spark's terms</h2>
 * <table>
 *   <caption>mapping</caption>
 *   <tr><th>partrec</th><th>Spark {@code ALS}</th><th>note</th></tr>
 *   <tr><td>{@code factors}</td><td>{@code rank}</td><td></td></tr>
 *   <tr><td>{@code iterations}</td><td>{@code maxIter}</td><td>one iteration: users, then items</td></tr>
 *   <tr><td>{@code weighting}: {@code w -> w'}</td><td>the rating {@code r}</td><td>applied by partrec's
 *       {@code Weighting} before the fit ({@link org.partrec.spark.Ratings})</td></tr>
 *   <tr><td>{@code alpha}: {@code c = 1 + alpha w'}</td><td>{@code alpha}: {@code c = 1 + alpha |r|},
 *       preference 1 for {@code r > 0}, else 0</td><td>the same for every {@code w' > 0}</td></tr>
 *   <tr><td>{@code regularization} {@code lambda}: {@code lambda I} on every row</td><td>{@code regParam}:
 *       {@code regParam * n_r * I} on a row of {@code n_r} ratings (ALS-WR)</td><td>{@link
 *       org.partrec.spark.LambdaScaling}</td></tr>
 *   <tr><td>{@code seed}</td><td>{@code seed}</td><td>of different initial factors: the same seed
 *       gives a different, equally good model</td></tr>
 *   <tr><td>{@code solver}</td><td>Cholesky (with {@code nonnegative = false})</td><td>the artifact says
 *       {@code cholesky}</td></tr>
 * </table>
 */
package org.partrec.spark;

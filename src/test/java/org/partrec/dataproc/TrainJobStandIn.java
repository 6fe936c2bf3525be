package org.partrec.dataproc;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.Weighting;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.ProgressLog;
import org.partrec.train.Solver;

/**
 * A STAND-IN for the Spark job {@code org.partrec.spark.TrainJob}, for the service's tests until
 * the real job is launched by {@link DataprocStandIn} in its place: it takes the job's arguments
 * (the contract: {@code --input --output --version --factors --iterations --regularization
 * --alpha --weighting --seed}), reads {@code INPUT/interactions/*.parquet} with DuckDB, and fits
 * with partrec's own trainer instead of Spark's ALS. What it writes is what the contract asks of
 * the job: a format-3 artifact through {@link ModelArtifact#write}, ids in sorted order, the
 * interactions CSR of the input weights, nothing purchased, no catalogue, no similar lists,
 * written to a temporary name beside OUTPUT and renamed into place. {@code drop} rows of the
 * input are left out, for the test of a job that fitted on other data than the service's.
 */
final class TrainJobStandIn implements DataprocStandIn.JobRunner {

    private final int drop;

    TrainJobStandIn() {
        this(0);
    }

    /** @param drop rows of the input to leave out (a job that lost data) */
    TrainJobStandIn(int drop) {
        this.drop = drop;
    }

    @Override
    public void run(List<String> args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.size(); i += 2) {
            if (!args.get(i).startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args.get(i));
            }
            a.put(args.get(i).substring(2), args.get(i + 1));
        }
        AlsParams params = new AlsParams(Integer.parseInt(a.get("factors")), Integer.parseInt(a.get("iterations")),
                Double.parseDouble(a.get("regularization")), Double.parseDouble(a.get("alpha")),
                Weighting.parse(a.get("weighting")), Solver.CG, AlsParams.DEFAULT_CG_STEPS, 2,
                Long.parseLong(a.get("seed")));
        List<String[]> pairs = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        Path input = Path.of(URI.create(a.get("input").startsWith("file:") ? a.get("input")
                : Path.of(a.get("input")).toUri().toString()));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT user_id, item_id, weight FROM read_parquet('"
                     + input.resolve("interactions") + "/*.parquet') ORDER BY user_id, item_id")) {
            while (r.next()) {
                pairs.add(new String[] {r.getString(1), r.getString(2)});
                weights.add(r.getDouble(3));
            }
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no interactions under " + input);
        }
        int n = pairs.size() - drop;
        TreeSet<String> userIds = new TreeSet<>();
        TreeSet<String> itemIds = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            userIds.add(pairs.get(i)[0]);
            itemIds.add(pairs.get(i)[1]);
        }
        IdMap users = IdMap.of(userIds.toArray(String[]::new));
        IdMap items = IdMap.of(itemIds.toArray(String[]::new));
        int[] rows = new int[n];
        int[] cols = new int[n];
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            rows[i] = users.indexOf(pairs.get(i)[0]);
            cols[i] = items.indexOf(pairs.get(i)[1]);
            values[i] = (float) (double) weights.get(i);
        }
        CsrMatrix interactions = CsrMatrix.fromTriples(users.size(), items.size(), rows, cols, values);
        CsrMatrix cui = Confidence.of(interactions, params.weighting(), params.alpha());
        AlsModel model;
        try (AlsTrainer trainer = new AlsTrainer(params.threads())) {
            model = trainer.fit(cui, cui.transpose(), params, AlsTrainer.initialModel(users.size(), items.size(),
                    params.factors(), params.seed()), new ProgressLog("train job stand-in", false));
        }
        ModelArtifact artifact = new ModelArtifact(a.get("version"), Instant.now(), params, Map.of(),
                Map.of("pairs", (long) n, "users", (long) users.size(), "items", (long) items.size()),
                "train-job-stand-in", users, items, model, interactions,
                CsrMatrix.fromTriples(users.size(), items.size(), new int[0], new int[0], new float[0]), Map.of());
        Path output = Path.of(URI.create(a.get("output")));
        Files.createDirectories(output.getParent());
        Path temporary = output.resolveSibling(output.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            ModelArtifact.write(artifact, out);
        }
        Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

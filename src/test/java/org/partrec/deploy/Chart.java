package org.partrec.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.Yaml;

/**
 * Test helper: renders {@code helm/partrec} through helm-java ({@code helm template}, no binary
 * and no cluster) and gives the manifests as parsed YAML.
 */
final class Chart {

    static final Path DIR = Path.of("helm/partrec");
    static final String RELEASE = "partrec";
    static final String NAMESPACE = "partrec";
    /** The image tag a build would set ({@code --set image.tag}): staging and prod refuse to render without one. */
    static final String IMAGE_TAG = "0.1.0-3f2c1ab";
    /** {@code --set} pairs that make the chart see the Prometheus Operator's API (helm template has no cluster). */
    static final String[] OPERATOR_API = {"apiVersions[0]", "monitoring.coreos.com/v1"};
    /** The same for GKE Managed Prometheus. */
    static final String[] MANAGED_API = {"apiVersions[0]", "monitoring.googleapis.com/v1"};

    /** A values file of the chart and what rendering with it gives. */
    record Rendered(String valuesFile, String text, List<Map<String, Object>> manifests) {

        List<Map<String, Object>> ofKind(String kind) {
            return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
        }

        /** The Deployments and StatefulSets: the pods' workloads. */
        List<Map<String, Object>> workloads() {
            return manifests.stream().filter(m -> "Deployment".equals(m.get("kind"))
                    || "StatefulSet".equals(m.get("kind"))).toList();
        }

        Map<String, Object> named(String kind, String name) {
            return ofKind(kind).stream().filter(m -> name.equals(map(m, "metadata").get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError(kind + " " + name + " not rendered with " + valuesFile));
        }

        /** The values the chart used: values.yaml with the values file over it. */
        Map<String, Object> values() {
            return Chart.values(valuesFile);
        }
    }

    private Chart() {
    }

    /**
     * Renders with values.yaml alone ({@code valuesFile} "values.yaml") or with another values
     * file of the chart layered on it, plus {@code --set key=value} pairs. Another values file
     * gets {@code image.tag=}{@link #IMAGE_TAG}, as a deploy sets it, unless the pairs set the
     * image's tag or digest themselves.
     */
    static Rendered render(String valuesFile, String... sets) {
        TemplateCommand t = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (!valuesFile.equals("values.yaml")) {
            t = t.withValuesFile(DIR.resolve(valuesFile));
            if (!List.of(sets).contains("image.tag") && !List.of(sets).contains("image.digest")) {
                t = t.set("image.tag", IMAGE_TAG);
            }
        }
        for (int i = 0; i < sets.length; i += 2) {
            t = t.set(sets[i], sets[i + 1]);
        }
        String text = t.call();
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(text)) {
            if (doc != null) {
                manifests.add(cast(doc));
            }
        }
        return new Rendered(valuesFile, text, manifests);
    }

    /** {@code sets} followed by {@code more}: the {@code --set} pairs of two lists. */
    static String[] with(String[] sets, String... more) {
        String[] all = java.util.Arrays.copyOf(sets, sets.length + more.length);
        System.arraycopy(more, 0, all, sets.length, more.length);
        return all;
    }

    static Map<String, Object> values(String valuesFile) {
        Map<String, Object> merged = load(DIR.resolve("values.yaml"));
        if (!valuesFile.equals("values.yaml")) {
            merge(merged, load(DIR.resolve(valuesFile)));
        }
        return merged;
    }

    private static Map<String, Object> load(Path file) {
        try {
            return cast(new Yaml().load(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void merge(Map<String, Object> into, Map<String, Object> over) {
        for (Map.Entry<String, Object> e : over.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m && into.get(e.getKey()) instanceof Map<?, ?>) {
                merge(map(into, e.getKey()), cast(m));
            } else {
                into.put(e.getKey(), e.getValue());
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) Objects.requireNonNull(o, "a YAML mapping");
    }

    /** The mapping at a dotted path, or an empty one. */
    static Map<String, Object> map(Map<String, Object> m, String path) {
        Object o = m;
        for (String key : path.split("\\.")) {
            o = o instanceof Map<?, ?> x ? x.get(key) : null;
        }
        return o == null ? new LinkedHashMap<>() : cast(o);
    }

    /** The list at a dotted path, or an empty one. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String path) {
        int dot = path.lastIndexOf('.');
        Object o = (dot < 0 ? m : map(m, path.substring(0, dot))).get(path.substring(dot + 1));
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }
}

package org.partrec.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dependency rules of STYLE.md, as tests: every package is a layer along the data flow and
 * depends only on earlier ones, and the core knows no framework, cloud or database.
 */
@AnalyzeClasses(packages = "org.partrec", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * Every package of the service, in the order of the data flow: the core steps, the run that
     * sequences them, the export, the adapters, then the wiring. A package ending in {@code ..}
     * includes its subpackages; one without names that package only.
     */
    static final Map<String, String[]> LAYERS = new LinkedHashMap<>();

    static {
        LAYERS.put("extract", new String[] {"org.partrec.extract.."}); // ports of the warehouse, plain rows
        LAYERS.put("events", new String[] {"org.partrec.events.."}); // posted storefront events, their port
        LAYERS.put("features", new String[] {"org.partrec.features.."});
        LAYERS.put("index", new String[] {"org.partrec.index.."});
        LAYERS.put("train", new String[] {"org.partrec.train.."});
        LAYERS.put("evaluate", new String[] {"org.partrec.evaluate.."});
        LAYERS.put("tune", new String[] {"org.partrec.tune.."});
        LAYERS.put("publish", new String[] {"org.partrec.publish.."}); // versioned artifact, model store
        LAYERS.put("serve", new String[] {"org.partrec.serve"}); // snapshot, storefront (not the web API)
        LAYERS.put("pipeline", new String[] {"org.partrec.pipeline.."}); // the run: its steps in sequence
        LAYERS.put("export", new String[] {"org.partrec.export.."});
        LAYERS.put("demo", new String[] {"org.partrec.demo.."}); // generated demo data
        LAYERS.put("storage", new String[] {"org.partrec.storage.."});
        LAYERS.put("warehouse", new String[] {"org.partrec.warehouse.."});
        LAYERS.put("messaging", new String[] {"org.partrec.messaging.."}); // events between replicas (Pub/Sub)
        LAYERS.put("dataproc", new String[] {"org.partrec.dataproc.."}); // the train step's fits on Spark (Dataproc)
        LAYERS.put("ops", new String[] {"org.partrec.ops.."});
        LAYERS.put("web", new String[] {"org.partrec.serve.web.."});
        LAYERS.put("app", new String[] {"org.partrec.app.."});
        // the launcher and the commands call each other (relaunch with the vector module)
        LAYERS.put("launch", new String[] {"org.partrec", "org.partrec.cli.."});
    }

    /** Packages of the core, which imports no framework, cloud client or database. */
    static final String[] CORE = {"org.partrec.extract..", "org.partrec.events..", "org.partrec.features..", "org.partrec.index..",
        "org.partrec.train..", "org.partrec.evaluate..", "org.partrec.tune..", "org.partrec.publish..",
        "org.partrec.serve", "org.partrec.pipeline..", "org.partrec.demo..", "org.partrec.export.."};

    /** Each layer may depend only on the layers before it; every class belongs to one. */
    @ArchTest
    static final ArchRule eachPackageDependsOnlyOnEarlierOnes = layers();

    static LayeredArchitecture layers() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture();
        for (Map.Entry<String, String[]> layer : LAYERS.entrySet()) {
            rule = rule.layer(layer.getKey()).definedBy(layer.getValue());
        }
        String[] names = LAYERS.keySet().toArray(String[]::new);
        rule = rule.whereLayer(names[0]).mayNotAccessAnyLayer();
        for (int i = 1; i < names.length; i++) {
            rule = rule.whereLayer(names[i]).mayOnlyAccessLayers(Arrays.copyOf(names, i));
        }
        return rule;
    }

    @ArchTest
    static final ArchRule coreImportsNoFrameworkCloudOrDatabase = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "com.google..",
                    "org.duckdb..", "java.sql..", "jakarta..");

    @ArchTest
    static final ArchRule cloudAndDatabaseClientsOnlyInAdaptersAndWiring = noClasses().that()
            .resideOutsideOfPackages("org.partrec.warehouse..", "org.partrec.storage..", "org.partrec.messaging..",
                    "org.partrec.dataproc..", "org.partrec.app..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.cloud..", "org.duckdb..", "java.sql..");

    @ArchTest
    static final ArchRule hnswlibOnlyBehindTheIndexInterface = noClasses().that()
            .resideOutsideOfPackage("org.partrec.index..")
            .should().dependOnClassesThat().resideInAPackage("com.github.jelmerk..");
}

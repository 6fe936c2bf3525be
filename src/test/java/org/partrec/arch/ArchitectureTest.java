package org.partrec.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of STYLE.md, as tests: the training core knows no framework, and no step
 * depends on a later one (features, index, train, evaluate, tune).
 */
@AnalyzeClasses(packages = "org.partrec", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    static final String[] CORE = {"org.partrec.extract..", "org.partrec.features..", "org.partrec.index..",
        "org.partrec.train..", "org.partrec.evaluate..", "org.partrec.tune..", "org.partrec.publish..",
        "org.partrec.demo..", "org.partrec.export.."};

    @ArchTest
    static final ArchRule coreImportsNoFrameworkCloudOrDatabase = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "com.google..",
                    "org.duckdb..", "java.sql..", "jakarta..");

    @ArchTest
    static final ArchRule featuresDependOnNoLaterStep = noClasses().that().resideInAPackage("org.partrec.features..")
            .should().dependOnClassesThat().resideInAnyPackage("org.partrec.index..", "org.partrec.train..",
                    "org.partrec.evaluate..", "org.partrec.tune..", "org.partrec.cli..");

    @ArchTest
    static final ArchRule indexDependsOnFeaturesOnly = noClasses().that().resideInAPackage("org.partrec.index..")
            .should().dependOnClassesThat().resideInAnyPackage("org.partrec.train..", "org.partrec.evaluate..",
                    "org.partrec.tune..", "org.partrec.cli..");

    @ArchTest
    static final ArchRule trainDependsOnNoLaterStep = noClasses().that().resideInAPackage("org.partrec.train..")
            .should().dependOnClassesThat().resideInAnyPackage("org.partrec.index..", "org.partrec.evaluate..",
                    "org.partrec.tune..", "org.partrec.cli..");

    @ArchTest
    static final ArchRule evaluateDependsOnNoLaterStep = noClasses().that().resideInAPackage("org.partrec.evaluate..")
            .should().dependOnClassesThat().resideInAnyPackage("org.partrec.tune..", "org.partrec.cli..");

    @ArchTest
    static final ArchRule extractIsPortsOnly = noClasses().that().resideInAPackage("org.partrec.extract..")
            .should().dependOnClassesThat().resideInAnyPackage("org.partrec.features..", "org.partrec.index..",
                    "org.partrec.train..", "org.partrec.evaluate..", "org.partrec.tune..", "org.partrec.publish..",
                    "org.partrec.serve..", "org.partrec.app..", "org.partrec.cli..", "org.partrec.demo..");

    @ArchTest
    static final ArchRule publishDependsOnNoWebOrWiring = noClasses().that().resideInAPackage("org.partrec.publish..")
            .should().dependOnClassesThat().resideInAnyPackage("org.partrec.serve.web..", "org.partrec.app..",
                    "org.partrec.cli..", "org.partrec.demo..");

    @ArchTest
    static final ArchRule serveDependsOnNoOfflineTool = noClasses().that().resideInAPackage("org.partrec.serve..")
            .should().dependOnClassesThat().resideInAnyPackage("org.partrec.tune..", "org.partrec.cli..",
                    "org.partrec.demo..", "org.partrec.publish..", "org.partrec.app..");

    @ArchTest
    static final ArchRule cloudAndDatabaseClientsOnlyInAdaptersAndWiring = noClasses().that()
            .resideOutsideOfPackages("org.partrec.warehouse..", "org.partrec.storage..", "org.partrec.app..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.cloud..", "org.duckdb..", "java.sql..");

    @ArchTest
    static final ArchRule exportDependsOnNoWebOrWiring = noClasses().that().resideInAPackage("org.partrec.export..")
            .should().dependOnClassesThat().resideInAnyPackage("org.partrec.serve.web..", "org.partrec.app..",
                    "org.partrec.cli..", "org.partrec.warehouse..", "org.partrec.storage..");

    @ArchTest
    static final ArchRule hnswlibOnlyBehindTheIndexInterface = noClasses().that()
            .resideOutsideOfPackage("org.partrec.index..")
            .should().dependOnClassesThat().resideInAPackage("com.github.jelmerk..");
}

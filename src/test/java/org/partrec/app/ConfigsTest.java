package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.springframework.validation.Validator;

/**
 * The three configurations: the same keys in each, every one binding and passing validation,
 * and a bad value refused with a message naming its key.
 */
class ConfigsTest {

    static final Map<String, Object> DEPLOYMENT_ENV = Map.of("GCP_PROJECT", "holley-recs",
            "PARTREC_MODEL_BUCKET", "holley-partrec-models");

    static List<PropertySource<?>> load(String env) throws IOException {
        return new YamlPropertySourceLoader().load(env, new FileSystemResource("configs/" + env + ".yaml"));
    }

    static Set<String> keys(String env) throws IOException {
        Set<String> keys = new TreeSet<>();
        for (PropertySource<?> s : load(env)) {
            for (String name : ((EnumerablePropertySource<?>) s).getPropertyNames()) {
                keys.add(name);
            }
        }
        return keys;
    }

    static PartrecProperties bind(String env, Map<String, Object> overrides) throws IOException {
        return bind(env, overrides, new SettingsValidator());
    }

    /** {@code env}'s configuration with {@code overrides} first, bound as the service binds it. */
    static PartrecProperties bind(String env, Map<String, Object> overrides, Validator validator) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("overrides", overrides));
        for (PropertySource<?> s : load(env)) {
            environment.getPropertySources().addLast(s);
        }
        environment.getPropertySources().addLast(new MapPropertySource("deployment", DEPLOYMENT_ENV));
        return Binder.get(environment).bindOrCreate("partrec", org.springframework.boot.context.properties.bind.Bindable.of(PartrecProperties.class),
                new ValidationBindHandler(validator));
    }

    @Test
    void stagingAndProdHoldExactlyTheKeysOfDev() throws IOException {
        Set<String> dev = keys("dev");
        assertThat(dev).contains("partrec.warehouse.type", "partrec.models.store", "partrec.export.top-n");
        assertThat(keys("staging")).isEqualTo(dev);
        assertThat(keys("prod")).isEqualTo(dev);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyConfigurationBindsAndValidates(String env) throws IOException {
        PartrecProperties p = bind(env, Map.of());
        assertThat(p.warehouse().type()).isEqualTo(env.equals("dev") ? "duckdb" : "bigquery");
        assertThat(p.models().store()).isEqualTo(env.equals("dev") ? "local" : "gcs");
        if (!env.equals("dev")) {
            assertThat(p.models().bucket()).isEqualTo("holley-partrec-models");
            assertThat(p.demo().load()).isFalse();
        }
    }

    @Test
    void aBadValueIsRefusedWithItsKeyNamed() {
        assertThatThrownBy(() -> bind("dev", Map.of("partrec.training.factors", "0")))
                .isInstanceOf(BindException.class).hasStackTraceContaining("partrec.training")
                .hasStackTraceContaining("on field 'factors'");
        assertThatThrownBy(() -> bind("dev", Map.of("partrec.warehouse.tables.events", "events; DROP TABLE x")))
                .isInstanceOf(BindException.class).hasStackTraceContaining("events");
        assertThatThrownBy(() -> bind("dev", Map.of("partrec.models.store", "s3")))
                .isInstanceOf(BindException.class).hasStackTraceContaining("store");
    }

    @Test
    void storefrontTurnsAreTwoACoreByDefaultOrWhatIsSetAndNothingElse() throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(bind("dev", Map.of()).api().turns()).isEqualTo(2 * cores);
        assertThat(bind("dev", Map.of("partrec.api.max-concurrent", "cores")).api().turns()).isEqualTo(cores);
        assertThat(bind("dev", Map.of("partrec.api.max-concurrent", "3*cores")).api().turns()).isEqualTo(3 * cores);
        assertThat(bind("dev", Map.of("partrec.api.max-concurrent", "0")).api().turns()).isZero();
        assertThat(bind("dev", Map.of("partrec.api.max-concurrent", "12")).api().turns()).isEqualTo(12);
        for (String bad : new String[] {"-1", "twice the cores", "10000", "", "0*cores", "10*cores", "2 * cores"}) {
            assertThatThrownBy(() -> bind("dev", Map.of("partrec.api.max-concurrent", bad))).as(bad)
                    .isInstanceOf(BindException.class).hasStackTraceContaining("on field 'maxConcurrent'");
        }
    }
}

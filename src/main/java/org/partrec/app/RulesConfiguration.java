package org.partrec.app;

import io.micrometer.core.instrument.MeterRegistry;
import org.partrec.serve.Merchandising;
import org.partrec.serve.ServingModel;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the merchandising rules: the hook the storefront's answers pass, and where its rules come from. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RulesProperties.class)
class RulesConfiguration {

    @Bean
    Merchandising merchandising() {
        return new Merchandising();
    }

    /** Loads the rules at start-up (bad ones stop it), and re-reads their file while the service runs. */
    @Bean
    RulesFile rulesFile(RulesProperties settings, Merchandising merchandising, MeterRegistry registry,
                        ServingModel serving, TrainingMetrics failures) {
        return new RulesFile(settings, merchandising, registry, serving, failures);
    }
}

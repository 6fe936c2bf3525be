package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ConditionalOnFlagTest {

    @Configuration
    static class Switched {
        @Bean
        @ConditionalOnFlag("partrec.export.enabled")
        String export() {
            return "export";
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Switched.class);

    @Test
    void onIsWhatTheConfigurationBindsAsTrue() {
        for (String on : new String[] {"true", "TRUE", "1", "yes", "on"}) {
            runner.withPropertyValues("partrec.export.enabled=" + on)
                    .run(c -> assertThat(c).as(on).hasBean("export"));
        }
        for (String off : new String[] {"false", "0", "no", "off"}) {
            runner.withPropertyValues("partrec.export.enabled=" + off)
                    .run(c -> assertThat(c).as(off).doesNotHaveBean("export"));
        }
        runner.run(c -> assertThat(c).as("unset").doesNotHaveBean("export"));
    }

    @Test
    void aValueThatIsNoBooleanStopsTheStartWithItsName() {
        runner.withPropertyValues("partrec.export.enabled=perhaps").run(c -> assertThat(c).hasFailed()
                .getFailure().rootCause().hasMessageContaining("perhaps"));
    }
}

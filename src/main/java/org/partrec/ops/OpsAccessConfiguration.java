package org.partrec.ops;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Puts {@link OpsAccess} in front of the management server (a child context on its own port;
 * registered through {@code META-INF/spring/...ManagementContextConfiguration.imports}).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class OpsAccessConfiguration {

    @Bean
    FilterRegistrationBean<OpsAccess> opsAccess(@Value("${partrec.ops.token:}") String token,
                                                @Value("${partrec.ops.require-token:true}") boolean required) {
        FilterRegistrationBean<OpsAccess> registration = new FilterRegistrationBean<>(new OpsAccess(token, required));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }
}

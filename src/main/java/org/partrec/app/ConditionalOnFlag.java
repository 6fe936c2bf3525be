package org.partrec.app;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * A bean made only when a boolean property is true as {@link PartrecProperties} binds it
 * ({@code true}, {@code on}, {@code yes}, {@code 1}, any case), so that a switch never reads as
 * on in the configuration and off for the bean it governs, as {@code @ConditionalOnProperty}'s
 * string match would have {@code PARTREC_EXPORT_ENABLED=1} do.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Conditional(ConditionalOnFlag.OnFlag.class)
@interface ConditionalOnFlag {

    /** The property, for example {@code partrec.export.enabled}. */
    String value();

    final class OnFlag implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String name = (String) metadata.getAnnotationAttributes(ConditionalOnFlag.class.getName()).get("value");
            return Binder.get(context.getEnvironment()).bind(name, Boolean.class).orElse(false);
        }
    }
}

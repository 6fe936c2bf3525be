package org.partrec.app;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Duration;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Checks {@link PartrecProperties} against the constraints declared on its record components,
 * the few that it uses: {@link NotNull}, {@link Min}, {@link Max}, {@link DecimalMin},
 * {@link DecimalMax}, {@link Pattern} and {@link MinDuration}, with Hibernate Validator's
 * messages. Spring Boot applies it to every record it binds under {@code partrec} (the bean named
 * {@code configurationPropertiesValidator}), so a bad value stops start-up with its key named.
 * It stands in for Hibernate Validator, whose start-up took a quarter of a second of a 5 s
 * restart on 2 cores; {@code SettingsValidatorTest} checks the two agree on every constraint.
 */
final class SettingsValidator implements Validator {

    /** A duration's least value. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target({java.lang.annotation.ElementType.PARAMETER, java.lang.annotation.ElementType.FIELD,
        java.lang.annotation.ElementType.METHOD, java.lang.annotation.ElementType.RECORD_COMPONENT})
    @interface MinDuration {
        /** In seconds. */
        long seconds();
    }

    @Override
    public boolean supports(Class<?> type) {
        return type.isRecord() && (type == PartrecProperties.class || type.getEnclosingClass() == PartrecProperties.class);
    }

    @Override
    public void validate(Object target, Errors errors) {
        for (RecordComponent c : target.getClass().getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(target);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName(), e);
            }
            String reason = violation(c, value);
            if (reason != null) {
                errors.rejectValue(c.getName(), "invalid", reason);
            }
        }
    }

    /** The first constraint the value breaks, as Hibernate Validator words it, or null. */
    static String violation(RecordComponent component, Object value) {
        // the constraints do not target record components: the compiler puts them on the accessor
        java.lang.reflect.Method c = component.getAccessor();
        if (value == null) {
            return c.isAnnotationPresent(NotNull.class) ? "must not be null" : null;
        }
        Min min = c.getAnnotation(Min.class);
        if (min != null && ((Number) value).longValue() < min.value()) {
            return "must be greater than or equal to " + min.value();
        }
        Max max = c.getAnnotation(Max.class);
        if (max != null && ((Number) value).longValue() > max.value()) {
            return "must be less than or equal to " + max.value();
        }
        DecimalMin dmin = c.getAnnotation(DecimalMin.class);
        if (dmin != null) {
            int cmp = BigDecimal.valueOf(((Number) value).doubleValue()).compareTo(new BigDecimal(dmin.value()));
            if (cmp < 0 || (cmp == 0 && !dmin.inclusive())) {
                return "must be greater than " + (dmin.inclusive() ? "or equal to " : "") + dmin.value();
            }
        }
        DecimalMax dmax = c.getAnnotation(DecimalMax.class);
        if (dmax != null) {
            int cmp = BigDecimal.valueOf(((Number) value).doubleValue()).compareTo(new BigDecimal(dmax.value()));
            if (cmp > 0 || (cmp == 0 && !dmax.inclusive())) {
                return "must be less than " + (dmax.inclusive() ? "or equal to " : "") + dmax.value();
            }
        }
        Pattern pattern = c.getAnnotation(Pattern.class);
        if (pattern != null && !((CharSequence) value).toString().matches(pattern.regexp())) {
            return "must match \"" + pattern.regexp() + "\"";
        }
        MinDuration least = c.getAnnotation(MinDuration.class);
        if (least != null && ((Duration) value).compareTo(Duration.ofSeconds(least.seconds())) < 0) {
            return "must be greater than or equal to " + least.seconds() + " seconds";
        }
        return null;
    }
}

package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Validation;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * {@link SettingsValidator} against Hibernate Validator, the reference, on every constraint of
 * {@link PartrecProperties}: a value just past each bound, and the bound itself, bound from the
 * dev configuration; both refuse the first with the same key and message, and both take the second.
 */
class SettingsValidatorTest {

    static final Validator REFERENCE = new SpringValidatorAdapter(Validation.buildDefaultValidatorFactory().getValidator());

    /** A key, a value the constraint refuses, and one at its bound that it takes. */
    record Case(String key, String refused, String taken) {
    }

    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Every constrained number and pattern of every record under {@code prefix}. */
    static void cases(Class<?> record, String prefix, List<Case> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            String key = prefix + "." + kebab(c.getName());
            if (c.getType().isRecord()) {
                cases(c.getType(), key, out);
                continue;
            }
            Min min = c.getAccessor().getAnnotation(Min.class);
            if (min != null) {
                out.add(new Case(key, String.valueOf(min.value() - 1), String.valueOf(min.value())));
            }
            Max max = c.getAccessor().getAnnotation(Max.class);
            if (max != null) {
                out.add(new Case(key, String.valueOf(max.value() + 1), String.valueOf(max.value())));
            }
            DecimalMin dmin = c.getAccessor().getAnnotation(DecimalMin.class);
            if (dmin != null) {
                BigDecimal bound = new BigDecimal(dmin.value());
                out.add(new Case(key, dmin.inclusive() ? bound.subtract(new BigDecimal("0.001")).toString() : dmin.value(),
                        dmin.inclusive() ? dmin.value() : bound.add(new BigDecimal("0.001")).toString()));
            }
            DecimalMax dmax = c.getAccessor().getAnnotation(DecimalMax.class);
            if (dmax != null) {
                BigDecimal bound = new BigDecimal(dmax.value());
                out.add(new Case(key, dmax.inclusive() ? bound.add(new BigDecimal("0.001")).toString() : dmax.value(),
                        dmax.inclusive() ? dmax.value() : bound.subtract(new BigDecimal("0.001")).toString()));
            }
            Pattern pattern = c.getAccessor().getAnnotation(Pattern.class);
            if (pattern != null) {
                out.add(new Case(key, "no such value; DROP TABLE x", null));
            }
        }
    }

    /** The message of a refused binding: the key, the value and the reason, as start-up prints them. */
    static String refusal(String key, String value, Validator validator) throws IOException {
        try {
            ConfigsTest.bind("dev", Map.of(key, value), validator);
        } catch (BindException e) {
            if (!(e.getCause() instanceof BindValidationException v)) {
                throw e;
            }
            return v.getValidationErrors().getAllErrors().stream().map(o -> o instanceof FieldError f
                    ? f.getObjectName() + "." + f.getField() + " = " + f.getRejectedValue() + ": " + f.getDefaultMessage()
                    : o.toString()).toList().toString();
        }
        return null;
    }

    @Test
    void agreesWithHibernateValidatorOnEveryConstraint() throws IOException {
        List<Case> cases = new ArrayList<>();
        cases(PartrecProperties.class, "partrec", cases);
        assertThat(cases).as("every constraint of PartrecProperties").hasSizeGreaterThan(60);
        for (Case c : cases) {
            String reference = refusal(c.key(), c.refused(), REFERENCE);
            String ours = refusal(c.key(), c.refused(), new SettingsValidator());
            assertThat(reference).as("Hibernate Validator refuses %s=%s", c.key(), c.refused()).isNotNull();
            assertThat(ours).as("%s=%s", c.key(), c.refused()).isEqualTo(reference);
            if (c.taken() != null) {
                assertThat(refusal(c.key(), c.taken(), REFERENCE)).as("reference takes %s=%s", c.key(), c.taken()).isNull();
                assertThat(refusal(c.key(), c.taken(), new SettingsValidator())).as("%s=%s", c.key(), c.taken()).isNull();
            }
        }
    }

    @Test
    void aMissingSectionAndTooShortAPollAreRefusedWithTheirKeys() {
        assertThatThrownBy(() -> ConfigsTest.bind("dev", Map.of("partrec.models.poll-every", "999ms")))
                .isInstanceOf(BindException.class).hasStackTraceContaining("partrec.models")
                .hasStackTraceContaining("on field 'pollEvery'")
                .hasStackTraceContaining("must be greater than or equal to 1 seconds");
        assertThat(SettingsValidator.violation(PartrecProperties.class.getRecordComponents()[0], null))
                .isEqualTo("must not be null");
    }

    @Test
    void aNegativeReturnWeightIsRefusedWithItsKeyAndZeroReadsNoReturn() throws IOException {
        assertThat(refusal("partrec.transform.return-weight", "-0.5", new SettingsValidator()))
                .contains("transform.returnWeight = -0.5: must be greater than or equal to 0.0");
        assertThat(PartrecConfiguration.rules(ConfigsTest.bind("dev", Map.of()).transform()).returnWeight())
                .isEqualTo(10);
        assertThat(PartrecConfiguration.rules(ConfigsTest.bind("dev", Map.of("partrec.transform.return-weight", "0"))
                .transform()).returnWeight()).isZero();
    }
}

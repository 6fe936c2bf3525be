package org.partrec.serve.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A storefront handler that {@link DirectDispatch} may bind and answer itself, from the handler's
 * own mapping and parameter annotations, when a request is plain enough to need nothing else of
 * Spring MVC. Every other request to it, and every error, goes through Spring MVC as before.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Direct {
}

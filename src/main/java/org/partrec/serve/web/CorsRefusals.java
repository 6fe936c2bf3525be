package org.partrec.serve.web;

import java.io.IOException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;

/**
 * The API allows no cross-origin calls: a CORS preflight from a browser on another origin is
 * refused with a 403 problem instead of Spring's plain-text "Invalid CORS request".
 */
@Component
class CorsRefusals implements BeanPostProcessor {

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof AbstractHandlerMapping mapping) {
            mapping.setCorsProcessor(new DefaultCorsProcessor() {
                @Override
                protected void rejectRequest(ServerHttpResponse response) throws IOException {
                    ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "cross-origin requests"
                            + " are not allowed: the API has no CORS policy for this origin");
                    response.setStatusCode(HttpStatus.FORBIDDEN);
                    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
                    response.getBody().write(Problems.JSON.writeValueAsBytes(p));
                    response.flush();
                }
            });
        }
        return bean;
    }
}

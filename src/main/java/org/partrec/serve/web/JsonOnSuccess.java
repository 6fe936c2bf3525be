package org.partrec.serve.web;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * A success body is {@code application/json} even when {@code Accept} would let Spring label it
 * {@code application/problem+json} or another {@code +json} type: that label is for problems
 * only (RFC 9110 lets a server answer in a type other than the ones asked for).
 */
@ControllerAdvice(basePackages = "org.partrec.serve.web")
class JsonOnSuccess implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(@Nullable Object body, MethodParameter returnType, MediaType selected,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (!(body instanceof ProblemDetail) && !MediaType.APPLICATION_JSON.equalsTypeAndSubtype(selected)
                && selected.getSubtype().endsWith("json")) {
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        }
        return body;
    }
}

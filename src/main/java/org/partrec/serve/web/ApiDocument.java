package org.partrec.serve.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The OpenAPI document ({@code /v3/api-docs}) as the storefront's contract: springdoc describes
 * the controllers and their records ({@link Responses}, with their required and nullable fields
 * and enums); this adds what the code enforces elsewhere. The bounds {@link ApiLimits} checks,
 * from the same values; every status an operation sends, each error as
 * {@code application/problem+json} with the {@code Problem} schema (including {@code parameter});
 * the {@code X-Request-Id} and {@code X-Model-Version} headers; an info, tags and no security.
 */
@Component
class ApiDocument implements OpenApiCustomizer {

    static final String JSON = org.springframework.http.MediaType.APPLICATION_JSON_VALUE;
    static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    static final String PROBLEM = "#/components/schemas/Problem";
    static final String REQUEST_ID = "X-Request-Id";
    static final String MODEL_VERSION = Responses.MODEL_VERSION_HEADER;
    static final String RECOMMENDATION_ID = Responses.RECOMMENDATION_ID_HEADER;
    /** What {@link RequestIds} keeps of a caller's id; anything else is replaced by a new one. */
    static final String REQUEST_ID_PATTERN = "^[A-Za-z0-9._:-]{1,64}$";

    /** The error statuses each operation sends, besides 200. */
    static final Map<String, List<Integer>> ERRORS = Map.of(
            "recommendForUser", List.of(400, 406, 413, 500, 503), // 413: the body limit applies to every request
            "explainRecommendation", List.of(400, 404, 406, 413, 500, 503),
            "recommendForBasket", List.of(400, 406, 413, 415, 500, 503),
            "similarItems", List.of(400, 404, 406, 413, 500, 503),
            "complementItems", List.of(400, 404, 406, 413, 500, 503),
            "postEvents", List.of(400, 406, 413, 415, 500, 503)); // 503: the warehouse cannot take them now

    static final String EVENT_BATCH = "#/components/schemas/EventBatch";

    private final ApiLimits limits;
    private final EventLimits eventLimits;

    ApiDocument(ApiLimits limits, EventLimits eventLimits) {
        this.limits = limits;
        this.eventLimits = eventLimits;
    }

    @Override
    public void customise(OpenAPI api) {
        api.info(new Info().title("partrec storefront API").version("1.0.0")
                .description("Recommendations for the parts storefront: \"recommended for you\", \"recommended for"
                        + " a basket\" and \"similar parts\", from the serving ALS model; \"frequently bought"
                        + " together\", from the customers' purchases; and the storefront's"
                        + " events as they happen. Every error is"
                        + " application/problem+json (RFC 9457) with a detail and, for a bad parameter, its name in"
                        + " `parameter`. Before the first model is loaded every recommendation answers 503. Ids are"
                        + " percent-encoded UTF-8; an encoded slash is part of an id.")
                .license(new License().name("Proprietary: the storefront's internal API (the project publishes no"
                        + " licence)").identifier("LicenseRef-partrec-proprietary")));
        api.servers(List.of(new Server().url("/").description("The server that serves this document")));
        api.tags(List.of(
                new Tag().name("recommendations").description("Recommended for a user, or for a basket"),
                new Tag().name("similar").description("Parts similar to one part"),
                new Tag().name("complements").description("Parts frequently bought together with one part"),
                new Tag().name("events").description("What the storefront's customers do, as it happens")));
        Components c = api.getComponents() == null ? new Components() : api.getComponents();
        api.components(c);
        c.addSchemas("Problem", problem());
        c.addSchemas("EventBatch", EventSchemas.batch(eventLimits.batch(), limits.maxIdLength()));
        c.addHeaders(REQUEST_ID, new Header().description("The request id: the caller's X-Request-Id when it is a"
                + " plain token of at most 64 characters, else a new one. Absent only on a request Tomcat refused"
                + " before the application saw it (a request line it cannot parse).")
                .schema(new StringSchema().pattern(REQUEST_ID_PATTERN)));
        c.addHeaders(MODEL_VERSION, new Header().required(true).description("The version of the model that answered.")
                .schema(new StringSchema()));
        c.addHeaders(RECOMMENDATION_ID, new Header().required(true).description("Names this answer, as its"
                + " recommendationId: post it back with the events that come from it.").schema(new StringSchema()));
        basket(c.getSchemas().get("Basket"));
        api.getPaths().forEach((path, item) -> item.readOperations().forEach(this::operation));
        c.getSchemas().remove("JsonNode"); // springdoc's view of POST /events' body, replaced by EventBatch
    }

    private void operation(Operation op) {
        if (!ERRORS.containsKey(op.getOperationId()) || op.getResponses().containsKey("503")) {
            return; // not an operation of the API, or already described
        }
        op.setSecurity(new ArrayList<>());
        List<Parameter> parameters = op.getParameters() == null ? new ArrayList<>() : new ArrayList<>(op.getParameters());
        parameters.forEach(this::parameter);
        parameters.add(new HeaderParameter().name(REQUEST_ID).required(false).description("An id for this request,"
                + " sent back in X-Request-Id and on every log line it causes; a new one when absent or not a plain"
                + " token.").schema(new StringSchema().pattern(REQUEST_ID_PATTERN)));
        op.setParameters(parameters);
        boolean events = op.getOperationId().equals("postEvents");
        if (op.getRequestBody() != null) {
            op.getRequestBody().required(true).description((events ? "A batch of events, 1 to " + eventLimits.batch()
                    .maxBatch() : "The basket: the items of a cart or an anonymous session") + ", at most "
                    + limits.maxBodyBytes() + " bytes of JSON.");
            if (events) {
                op.getRequestBody().getContent().values().forEach(m -> m.schema(new Schema<>().$ref(EVENT_BATCH)));
            }
        }
        ApiResponses responses = new ApiResponses();
        ApiResponse ok = op.getResponses().get("200");
        Schema<?> body = ok.getContent().values().iterator().next().getSchema();
        boolean because = op.getOperationId().equals("explainRecommendation"); // a model's, but no answer to attribute
        responses.addApiResponse("200", new ApiResponse().description(events ? "What the batch changed."
                        : because ? "The score taken apart." : "The items, best first.")
                .content(new Content().addMediaType(JSON, new MediaType().schema(body)))
                .headers(headers(!events, !events && !because)));
        for (int status : ERRORS.get(op.getOperationId())) {
            responses.addApiResponse(String.valueOf(status), new ApiResponse().description(description(status))
                    .content(new Content().addMediaType(PROBLEM_JSON, new MediaType()
                            .schema(new Schema<>().$ref(PROBLEM)).example(example(status))))
                    .headers(headers(false, false)));
        }
        op.setResponses(responses);
    }

    private static Map<String, Header> headers(boolean model, boolean answer) {
        Map<String, Header> h = new LinkedHashMap<>();
        h.put(REQUEST_ID, new Header().$ref("#/components/headers/" + REQUEST_ID));
        if (model) {
            h.put(MODEL_VERSION, new Header().$ref("#/components/headers/" + MODEL_VERSION));
        }
        if (answer) {
            h.put(RECOMMENDATION_ID, new Header().$ref("#/components/headers/" + RECOMMENDATION_ID));
        }
        return h;
    }

    /** Descriptions and bounds of the parameters, as {@link ApiLimits} checks them. */
    private void parameter(Parameter p) {
        int ids = limits.maxIdLength();
        Schema<?> s = p.getSchema();
        switch (p.getName()) {
            case "userId", "itemId" -> {
                p.description("The " + (p.getName().equals("userId") ? "user" : "item") + " id: not blank, at most "
                        + ids + " characters.");
                s.minLength(1).maxLength(ids);
            }
            case "limit" -> {
                p.description("How many items, 1 to " + limits.maxLimit() + "; offset + limit is at most "
                        + limits.maxWindow() + ".");
                s.minimum(BigDecimal.ONE).maximum(BigDecimal.valueOf(limits.maxLimit()));
            }
            case "offset" -> {
                p.description("How many of the best items to skip (paging); offset + limit is at most "
                        + limits.maxWindow() + ".");
                s.minimum(BigDecimal.ZERO).maximum(BigDecimal.valueOf(limits.maxWindow() - 1));
            }
            case "includePurchased" -> p.description("Whether items the user already bought may be recommended.");
            case "inStock" -> p.description("Only items in stock (true) or out of stock (false).");
            case "category", "brand", "fits", "vehicle" -> {
                p.description(switch (p.getName()) {
                    case "category" -> "Only items of this category";
                    case "brand" -> "Only items of this brand";
                    case "vehicle" -> "The customer's vehicle platform, as the catalogue's fitment spells it: with"
                            + " fits=auto (the default) only parts that fit it, ahead of a garage the service knows";
                    default -> "Only items that fit this vehicle platform (universal parts always fit); auto (the"
                            + " default): the customer's garage on /recommendations when one is known (the vehicle"
                            + " parameter, a posted event's vehicle, or inferred from what they bought and kept;"
                            + " for a basket, from its parts), no filter elsewhere; any: no fitment filter";
                } + ": not blank, at most " + ids + " characters.");
                s.minLength(1).maxLength(ids);
            }
            default -> { }
        }
    }

    private void basket(Schema<?> basket) {
        basket.description("A cart or an anonymous session.").required(List.of("items"));
        Schema<?> items = basket.getProperties().get("items");
        items.description("Item ids (part numbers), 1 to " + limits.maxBasket() + ", each not blank and at most "
                + limits.maxIdLength() + " characters.").minItems(1).maxItems(limits.maxBasket());
        items.getItems().minLength(1).maxLength(limits.maxIdLength());
    }

    static Schema<?> problem() {
        return new ObjectSchema().description("An error (RFC 9457 problem details), always sent as"
                        + " application/problem+json.")
                .addProperty("type", new StringSchema().format("uri-reference").description("The kind of problem:"
                        + " https://partrec.dev/problems/bad-parameter for a bad parameter, about:blank otherwise."))
                .addProperty("title", new StringSchema().description("A short summary of the kind of problem."))
                .addProperty("status", new IntegerSchema().minimum(BigDecimal.valueOf(400))
                        .maximum(BigDecimal.valueOf(599)).description("The HTTP status code."))
                .addProperty("detail", new StringSchema().description("What went wrong, and what to send instead."))
                .addProperty("instance", new StringSchema().format("uri-reference").description("The path asked"
                        + " for, when the application saw the request."))
                .addProperty("parameter", new StringSchema().description("For a bad parameter (400) or a body too"
                        + " large (413): the name of the parameter, or body, or items."))
                .required(List.of("type", "title", "status", "detail"));
    }

    private String description(int status) {
        return switch (status) {
            case 400 -> "A bad parameter or body (`parameter` names it, `detail` says what it must be), or a request"
                    + " the server cannot parse.";
            case 404 -> "The item is unknown to the serving model (or, for an explanation, the customer has no"
                    + " history).";
            case 406 -> "The Accept header allows no JSON; the problem is sent as application/problem+json anyway.";
            case 413 -> "The body is larger than " + limits.maxBodyBytes() + " bytes (`parameter`: body).";
            case 415 -> "The body is not application/json.";
            case 500 -> "An unexpected failure; its cause is logged, never sent.";
            case 503 -> "No model is loaded yet (the first one is still being trained; readiness is down), or the"
                    + " service is busy: a storefront request waited " + limits.maxQueueWait().toMillis() + " ms for its"
                    + " turn (Retry-After: 1). Try again shortly.";
            default -> throw new IllegalArgumentException("no description of " + status);
        };
    }

    private Map<String, Object> example(int status) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", status == 400 ? Problems.BAD_PARAMETER.toString() : "about:blank");
        e.put("title", switch (status) {
            case 400 -> "Bad parameter";
            case 404 -> "Not found";
            case 500 -> "Internal error";
            case 503 -> "No model loaded yet";
            default -> org.springframework.http.HttpStatus.valueOf(status).getReasonPhrase();
        });
        e.put("status", status);
        e.put("detail", switch (status) {
            case 400 -> "limit must be between 1 and " + limits.maxLimit() + ", got 0";
            case 404 -> "unknown item 'HOL-0000-000': the serving model (20261206T060000Z) has no interactions with it";
            case 406 -> "the API answers application/json (and problems as application/problem+json), which the Accept"
                    + " header 'application/xml' does not allow";
            case 413 -> "the request body is larger than " + limits.maxBodyBytes() + " bytes";
            case 415 -> "Content-Type 'text/plain' is not supported; send the body as application/json";
            case 500 -> Problems.internal().getDetail();
            default -> new Problems.ModelUnavailable().getMessage();
        });
        if (status == 400 || status == 413) {
            e.put("parameter", status == 400 ? "limit" : "body");
        }
        return e;
    }
}

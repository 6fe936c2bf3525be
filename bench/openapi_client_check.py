"""Calls every operation of the storefront API through the Python client generated from its OpenAPI
document (bench/openapi-client.sh generates it), answers and errors alike, and checks that each
answer deserialises into the model the document names: Recommendations, Similar, Accepted, or Problem.

    python3 bench/openapi_client_check.py READY_URL [COLD_URL]

READY_URL serves a trained model; COLD_URL, if given, has no model yet (every operation 503).
The client checks arguments against the document's bounds before it sends anything; to send
what the server must refuse, a few calls go around that check (the wrapped function itself, or a
model built without validation), so that it is the server that answers, through the client's
own deserialisation. Exits 1 if any call does not give what is expected.
"""
import sys

from partrec_client import ApiClient, Configuration
from partrec_client.api.recommendations_api import RecommendationsApi
from partrec_client.api.similar_api import SimilarApi
from partrec_client.api.events_api import EventsApi
from partrec_client.exceptions import ApiException
from partrec_client.models.accepted import Accepted
from partrec_client.models.basket import Basket
from partrec_client.models.event_batch import EventBatch
from partrec_client.models.problem import Problem
from partrec_client.models.recommendations import Recommendations
from partrec_client.models.similar import Similar

failures = []
calls = 0


def check(name, status, call, model, expect=None):
    """Runs call(); its answer must have this status and deserialise to model, and pass expect."""
    global calls
    calls += 1
    try:
        r = call()
        got, data, headers = r.status_code, r.data, r.headers
    except ApiException as e:
        got, data, headers = e.status, e.data, e.headers
    problems = []
    if got != status:
        problems.append("status %s, not %s" % (got, status))
    if not isinstance(data, model):
        problems.append("deserialised to %s, not %s" % (type(data).__name__, model.__name__))
    elif expect is not None:
        why = expect(data, headers or {})
        if why:
            problems.append(why)
    summary = data.detail if isinstance(data, Problem) else (
        "received %d, added %d, repeated %d" % (data.received, data.added, data.repeated) if isinstance(data, Accepted)
        else "source %s, %d items" % (data.source, len(data.items)) if data is not None else "no body")
    if isinstance(data, Problem) and data.parameter:
        summary = "parameter %s: %s" % (data.parameter, summary)
    line = "%-4s %s %-44s -> %s %s" % ("ok" if not problems else "FAIL", got, name, model.__name__, summary[:110])
    print(line + ("" if not problems else "  [" + "; ".join(problems) + "]"))
    if problems:
        failures.append(name)


def header(headers, name):
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def parameter(name):
    return lambda p, h: None if p.parameter == name else "parameter %r, not %r" % (p.parameter, name)


def apis(url):
    client = ApiClient(Configuration(host=url.rstrip("/")))
    return RecommendationsApi(client), SimilarApi(client)


def events(url):
    """POST /events: a batch stored, the same batch again all repeats, bad batches refused naming the field."""
    api = EventsApi(ApiClient(Configuration(host=url.rstrip("/"))))
    import datetime
    import uuid
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    run = uuid.uuid4().hex[:8]
    batch = {"events": [{"eventId": "client-%s-%d" % (run, i), "userId": "C0000001", "itemId": "HOL-0550-849",
                         "type": t, "timestamp": now} for i, t in enumerate(["view", "cart", "purchase"])]}

    def accepted(added, repeated):
        return lambda b, h: None if (b.received, b.added, b.repeated) == (3, added, repeated) else \
            "received/added/repeated %s, not %s" % ((b.received, b.added, b.repeated), (3, added, repeated))

    check("postEvents", 200, lambda: api.post_events_with_http_info(EventBatch.from_dict(batch)), Accepted,
          accepted(3, 0))
    check("postEvents again", 200, lambda: api.post_events_with_http_info(EventBatch.from_dict(batch)), Accepted,
          accepted(0, 3))
    raw = EventsApi.post_events_with_http_info.raw_function
    bad = {"events": [dict(batch["events"][0]), dict(batch["events"][1], type="click")]}
    check("postEvents unknown type", 400, lambda: raw(api, bad), Problem, parameter("events[1].type"))
    check("postEvents no events", 400, lambda: raw(api, {"events": []}), Problem, parameter("events"))
    check("postEvents Content-Type: text/plain", 415,
          lambda: raw(api, '{"events": []}', _content_type="text/plain"), Problem)


def ready(url):
    recs, similar = apis(url)
    user = "C0000001"

    def answered(source, request_id=None):
        def expect(body, headers):
            if body.source != source:
                return "source %s, not %s" % (body.source, source)
            if header(headers, "X-Model-Version") != body.model_version:
                return "X-Model-Version %r differs from modelVersion %r" % (
                    header(headers, "X-Model-Version"), body.model_version)
            if header(headers, "X-Recommendation-Id") != body.recommendation_id:
                return "X-Recommendation-Id %r differs from recommendationId %r" % (
                    header(headers, "X-Recommendation-Id"), body.recommendation_id)
            if request_id and header(headers, "X-Request-Id") != request_id:
                return "X-Request-Id %r, not %r" % (header(headers, "X-Request-Id"), request_id)
            return None
        return expect

    check("recommendForUser known user", 200,
          lambda: recs.recommend_for_user_with_http_info(user, limit=5, x_request_id="client-check-1"),
          Recommendations, answered("model", "client-check-1"))
    popular = recs.recommend_for_user("somebody-new", limit=3)
    item = popular.items[0].item_id
    check("recommendForUser unknown user, filtered", 200,
          lambda: recs.recommend_for_user_with_http_info("somebody-new", limit=3, category=popular.items[0].category
                                                         or "EFI", in_stock=True, offset=1),
          Recommendations, answered("popular"))
    check("recommendForBasket", 200,
          lambda: recs.recommend_for_basket_with_http_info(Basket(items=[item]), limit=4),
          Recommendations, lambda b, h: answered("foldin")(b, h) or (
              None if b.user_id is None else "userId %r, not null" % b.user_id))
    check("similarItems", 200, lambda: similar.similar_items_with_http_info(item, limit=5), Similar,
          answered("model"))

    # errors: the server's refusals, through the client's deserialisation
    raw_user = RecommendationsApi.recommend_for_user_with_http_info.raw_function
    raw_basket = RecommendationsApi.recommend_for_basket_with_http_info.raw_function
    raw_similar = SimilarApi.similar_items_with_http_info.raw_function
    check("recommendForUser limit=0", 400, lambda: raw_user(recs, user, limit=0), Problem, parameter("limit"))
    check("recommendForUser offset=995&limit=10", 400, lambda: raw_user(recs, user, limit=10, offset=995), Problem,
          parameter("offset"))
    check("recommendForUser userId of 129 characters", 400, lambda: raw_user(recs, "x" * 129), Problem,
          parameter("userId"))
    check("recommendForUser Accept: application/xml", 406,
          lambda: recs.recommend_for_user_with_http_info(user, _headers={"Accept": "application/xml"}), Problem)
    check("recommendForBasket no items", 400,
          lambda: recs.recommend_for_basket_with_http_info(Basket.model_construct(items=[])), Problem,
          parameter("items"))
    check("recommendForBasket 101 items", 400,
          lambda: recs.recommend_for_basket_with_http_info(Basket.model_construct(items=[item] * 101)), Problem,
          parameter("items"))
    check("recommendForBasket body over 64 KiB", 413,
          lambda: recs.recommend_for_basket_with_http_info(Basket.model_construct(items=["x" * 70_000])), Problem,
          parameter("body"))
    check("recommendForBasket Content-Type: text/plain", 415,
          lambda: raw_basket(recs, '{"items": ["%s"]}' % item, _content_type="text/plain"), Problem)
    check("recommendForBasket limit=201", 400,
          lambda: raw_basket(recs, Basket(items=[item]), limit=201), Problem, parameter("limit"))
    check("similarItems unknown item", 404, lambda: similar.similar_items_with_http_info("no-such-part"), Problem)
    check("similarItems limit=-5", 400, lambda: raw_similar(similar, item, limit=-5), Problem, parameter("limit"))
    check("similarItems brand of 129 characters", 400, lambda: raw_similar(similar, item, brand="b" * 129), Problem,
          parameter("brand"))


def cold(url):
    recs, similar = apis(url)
    for name, call in [
            ("recommendForUser before the first model", lambda: recs.recommend_for_user_with_http_info("C0000001")),
            ("recommendForBasket before the first model",
             lambda: recs.recommend_for_basket_with_http_info(Basket(items=["HOL-0550-849"]))),
            ("similarItems before the first model", lambda: similar.similar_items_with_http_info("HOL-0550-849"))]:
        check(name, 503, call, Problem)


if __name__ == "__main__":
    ready(sys.argv[1])
    events(sys.argv[1])
    if len(sys.argv) > 2:
        cold(sys.argv[2])
    print("%d calls through the generated client, %d failed%s" % (
        calls, len(failures), "" if not failures else ": " + ", ".join(failures)))
    sys.exit(1 if failures else 0)

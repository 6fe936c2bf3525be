package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoEvents;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Bad input on every endpoint, sent as an attacker would: over a raw socket (HTTP/1.1,
 * {@code Connection: close}), so that request lines {@code java.net.http.HttpClient} refuses to
 * send still reach the server. A seeded generator (the seed is logged; {@code -Dpartrec.fuzz.seed=N}
 * replays a run, {@code -Dpartrec.fuzz.cases=N} sizes it) mixes ids, query strings, bodies,
 * framings, headers and methods for {@code GET /recommendations/{userId}},
 * {@code GET /similar/{itemId}}, {@code POST /recommendations}, unknown paths and wrong methods on
 * the API port, and odd health paths and locked endpoints on the management port. Eight clients
 * at a time; 3,000 cases take about five seconds once the model is trained.
 * {@code -Dpartrec.fuzz.only=REGEX} runs only the cases whose name matches,
 * {@code -Dpartrec.fuzz.show=REGEX} prints every case whose problem detail matches; every run
 * prints the statuses, a sample of each and every distinct detail, and on failure writes all
 * failing cases to {@code target/fuzz-failures.txt}.
 * <p>
 * The API's contract, for every response: status below 500; a 4xx is
 * {@code application/problem+json} whose {@code status} is the HTTP status and whose
 * {@code detail} is not empty; a 2xx is JSON with {@code items}; HEAD carries no body, OPTIONS
 * answers with {@code Allow} and no body; nothing ever shows a Java stack trace or Tomcat's HTML
 * page. That holds even for request lines and headers Tomcat's HTTP parser refuses: Tomcat 10.1
 * still runs them through its host's error valve (status 400 and the parser's exception), which
 * {@code ProblemErrorValve} answers.
 * Every case runs; the test then fails once, listing each kind of failure with a few examples.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.demo.customers=3000", "partrec.demo.parts=1500", "partrec.demo.events=60000",
    "partrec.training.factors=32", "partrec.training.threads=2",
    "partrec.ops.token=fuzz-ops-token", "partrec.ops.require-token=true"})
class FuzzTest extends OnTempStore {

    static final long DEFAULT_SEED = 20_251_107L;
    static final int DEFAULT_CASES = 3000;
    static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    DemoEvents demo;

    static ExecutorService io;

    @BeforeAll
    static void threads() {
        io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz-io");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopThreads() {
        io.shutdownNow();
    }

    @BeforeEach
    void waitForTheFirstModel() throws Exception {
        FirstModel.await(serving);
    }

    // ------------------------------------------------------------------------------------ cases

    enum Kind {
        /** An API request: problem+json for 4xx, JSON with items for 2xx. */
        API,
        /** HEAD on the API: headers as for GET, never a body. */
        HEAD,
        /** OPTIONS on the API: 2xx with Allow and no body, or a 4xx problem. */
        OPTIONS,
        /** An odd path under the open health endpoint of the management port: never 5xx, never another endpoint. */
        HEALTH,
        /** A locked management endpoint without a token: 401 problem+json. */
        LOCKED,
        /**
         * An HTTP/0.9 request line ({@code GET /path}, no version): the answer is the body alone,
         * no status line, no headers (that is HTTP/0.9), still JSON: items or a problem. Run after
         * all other cases: Tomcat 10.1.48 never resets a recycled Http11Processor's HTTP/0.9 flag
         * (set in prepareRequestProtocol, not cleared in recycle()), so a later request whose
         * request line fails to parse on that processor is also answered without a status line.
         */
        HTTP09
    }

    /**
     * One request, as bytes. {@code holdMillis > 0}: the body is shorter than its Content-Length,
     * so the client waits that long and then closes its output. {@code expect}: the status it
     * must get, 0 when any answer within the contract will do.
     */
    record Case(String name, Kind kind, byte[] request, int holdMillis, int expect) {
        Case(String name, Kind kind, byte[] request, int holdMillis) {
            this(name, kind, request, holdMillis, 0);
        }

        Case expecting(int status) {
            return new Case(name, kind, request, holdMillis, status);
        }
    }

    static final String[] ID_ATOMS = {
        "u", "somebody-new", "Ünïcødé", "日本語の部品", "🚗💨", "\u202Eevil", "ｆｕｌｌ", "\uFEFFbom", "e\u0301",
        "%2F", "a%2Fb", "%2f..%2f", "%5C", "a%5Cb", "%2e%2e", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "..", ".", "..;",
        "..;x", ";", "a;b=c", ";jsessionid=1", "%3B", "%00", "a%00b", "%", "a%", "%z", "%zz", "%C0%AF",
        "%C0%AE%C0%AE", "%FF%FE", "%E2%82", "%u002F", "%25", "%2525", "{", "}", "|", "[", "]", "^", "`",
        "<script>alert(1)</script>", "a b", "a\tb", "%20", "%09", "%0D%0A", "%0d%0aX-Injected:%201", "+",
        "' OR 1=1--", "\"; DROP TABLE events; --", "1; SELECT * FROM events", "${jndi:ldap://x/a}", "#{7*7}",
        "../../etc/passwd", "..%2F..%2F", "*", "~", "@", "$", "!", "(", ")", ",", "'", "=", ":", "&", "?",
        "#frag", "\\", "/", "//", "C0000001", "HOL-0550-849", "-1", "0", "NaN", "null", "true", "[]", "{}"};

    static final String[] PARAMS = {"limit", "offset", "includePurchased", "category", "brand", "inStock", "fits",
        "x", "LIMIT", "limit[]", "limit%00", "", "%zz", "lim%69t", "userId", "items", "vehicle"};

    static final String[] VALUES = {"1", "5", "10", "200", "201", "0", "-1", "-0", "-2147483648", "2147483647",
        "2147483648", "99999999999999999999", "-99999999999999999999", "1e3", "1E3", "NaN", "Infinity", "", "0x10",
        "+5", " 5", "%205", "5.0", "5,6", "true", "false", "TRUE", "yes", "maybe", "null", "EFI", "Holley",
        "GM LS", "GM%20LS", "Ford+Coyote", "Ünïcødé", "%F0%9F%9A%97", "' OR 1=1--", "\"; DROP TABLE events; --",
        "x".repeat(129), "%zz", "%", "%C0%AF", "%00", "a%2Fb", "[]", "{}", "|", "=", "&", "%26", "%3D", "#", "auto", "any"};

    List<Case> generate(Random r, int count) {
        List<Case> cases = new ArrayList<>();
        while (cases.size() < count) {
            int k = r.nextInt(100);
            if (k < 28) {
                cases.add(get("GET /recommendations/{id}", "/recommendations/" + id(r) + query(r), r));
            } else if (k < 56) {
                cases.add(get("GET /similar/{id}", "/similar/" + id(r) + query(r), r));
            } else if (k < 80) {
                cases.add(post(r));
            } else if (k < 88) {
                cases.add(wrongMethodOrPath(r));
            } else if (k < 92) {
                cases.add(r.nextBoolean() ? wire(r) : form(r));
            } else if (k < 96) {
                cases.add(headOrOptions(r));
            } else {
                cases.add(management(r));
            }
        }
        for (String path : new String[] {"/similar/" + knownPart(r) + "?limit=2", "/similar/nope", "/recommendations/u",
            "/%zz", "/similar/%C0%AF", "/nowhere"}) {
            cases.add(new Case("HTTP/0.9 GET " + path, Kind.HTTP09, utf8("GET " + path + "\r\n"), 0));
        }
        return cases;
    }

    String knownUser(Random r) {
        return DemoEvents.customerId(r.nextInt(3000));
    }

    String knownPart(Random r) {
        return demo.catalog().part(r.nextInt(demo.catalog().size())).partNumber();
    }

    /** A path segment as it goes on the wire: raw (UTF-8, possibly invalid) or percent-encoded. */
    String id(Random r) {
        switch (r.nextInt(14)) {
            case 0:
                return pick(r, "", "x".repeat(128), "x".repeat(129), "x".repeat(10_000), "é".repeat(129),
                        "%C3%A9".repeat(129), "%2F".repeat(60), "a".repeat(7_000));
            case 1:
                return knownUser(r);
            case 2:
                return knownPart(r);
            default:
                StringBuilder b = new StringBuilder();
                for (int i = 1 + r.nextInt(3); i > 0; i--) {
                    b.append(ID_ATOMS[r.nextInt(ID_ATOMS.length)]);
                }
                return r.nextInt(5) < 3 ? b.toString() : encode(b.toString());
        }
    }

    String query(Random r) {
        int k = r.nextInt(30);
        if (k == 0) {
            return "?" + "limit=5&".repeat(r.nextBoolean() ? 800 : 3000);
        }
        if (k == 1) {
            return pick(r, "?", "?&&&", "?=", "?==", "?&=&", "?limit", "?limit=1=2", "?%zz=1", "?limit=5&limit=6",
                    "?limit=5&limit=abc", "?offset=1&offset=-1", "?limit=%", "?category=" + "c".repeat(5_000),
                    "?inStock=true&inStock=false", "??limit=5", "?limit=5#frag", "?;limit=5", "?limit=5;offset=2");
        }
        StringBuilder q = new StringBuilder();
        for (int i = r.nextInt(5); i > 0; i--) {
            String name = PARAMS[r.nextInt(PARAMS.length)];
            String value = VALUES[r.nextInt(VALUES.length)];
            if (r.nextInt(4) == 0) {
                value = encode(value);
            }
            q.append(q.length() == 0 ? '?' : '&').append(name);
            if (r.nextInt(12) != 0) {
                q.append('=').append(value);
            }
        }
        return q.toString();
    }

    Case get(String what, String target, Random r) {
        String extra = r.nextInt(12) == 0 ? oddHeader(r) : "";
        return request(what, Kind.API, "GET", target, extra, null, 0);
    }

    String oddHeader(Random r) {
        return pick(r, "Accept: text/html\r\n", "Accept: application/xml\r\n", "Accept: garbage\r\n",
                "Accept: */*;q=\r\n", "Accept: application/problem+json\r\n", "Accept-Charset: ebcdic\r\n",
                "X-Request-Id: ' OR 1=1--\r\n", "X-Request-Id: " + "r".repeat(500) + "\r\n",
                "Accept-Encoding: gzip, br\r\n", "Range: bytes=0-1\r\n", "If-None-Match: *\r\n",
                "Content-Type: application/json\r\n", "Cookie: JSESSIONID=" + "%zz".repeat(10) + "\r\n",
                "Expect: 100-continue\r\n", "Origin: http://evil.example\r\n");
    }

    Case post(Random r) {
        String target = "/recommendations" + query(r);
        String what;
        byte[] body;
        switch (r.nextInt(30)) {
            case 0 -> {
                what = "valid basket";
                body = utf8("{\"items\": [\"" + knownPart(r) + "\"]}");
            }
            case 1 -> {
                what = "malformed JSON";
                body = utf8(pick(r, "{\"items\":", "{items: [x]}", "[1,2]", "\"str\"", "null", "true", "123", "",
                        "{\"items\": [\"a\"]}}}", "{\"items\": [\"a\"]} trailing", "{\"items\": [\"a\",]}", "{,}",
                        "{\"items\": [\"a\"] \"x\": 1}", "{'items': ['a']}", "{\"items\": [\"a\"], \"items\": [\"b\"]}",
                        "\uFEFF{\"items\": [\"a\"]}", "{\"items\": [\"\\uD800\"]}", "{\"items\": [\"\\u0000\"]}",
                        "{\"items\": [\"\\x41\"]}", "/* c */ {\"items\": [\"a\"]}", "{\"items\": [NaN]}"));
            }
            case 2 -> {
                what = "deep nesting 100k";
                body = utf8("[".repeat(100_000) + "]".repeat(100_000));
            }
            case 3 -> {
                what = "deep nesting 30k under the size limit";
                int depth = pick(r, 1_001, 5_000, 30_000);
                body = utf8(pick(r, "{\"items\": ", "{\"x\": ", "") + "[".repeat(depth) + "]".repeat(depth)
                        + pick(r, "}", ""));
            }
            case 4 -> {
                what = "deep objects";
                int depth = pick(r, 1_001, 3_000);
                body = utf8("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
            }
            case 5 -> {
                what = "items not a list";
                body = utf8(pick(r, "{\"items\": \"x\"}", "{\"items\": 1}", "{\"items\": {}}", "{\"items\": null}",
                        "{\"items\": true}", "{\"items\": 1e999}", "{}", "{\"itemz\": [\"a\"]}"));
            }
            case 6 -> {
                what = "odd items";
                body = utf8(pick(r, "{\"items\": [1, null, {}]}", "{\"items\": [null]}", "{\"items\": [\"\"]}",
                        "{\"items\": [\"   \"]}", "{\"items\": [\"" + "x".repeat(129) + "\"]}", "{\"items\": [[]]}",
                        "{\"items\": [1e99999]}", "{\"items\": [\"" + "x".repeat(60_000) + "\"]}",
                        "{\"items\": [12345678901234567890123]}", "{\"items\": [true, false]}",
                        "{\"items\": [\"' OR 1=1--\", \"\\\"; DROP TABLE events; --\"]}",
                        "{\"items\": [\"日本語\", \"🚗\", \"\\u202Eevil\"]}"));
            }
            case 7 -> {
                what = "100k items";
                body = utf8("{\"items\": [" + "\"a\",".repeat(99_999) + "\"a\"]}");
            }
            case 8 -> {
                what = "1000 items under the size limit";
                body = utf8("{\"items\": [" + "\"a\",".repeat(999) + "\"a\"]}");
            }
            case 9 -> {
                what = "invalid UTF-8";
                body = new byte[] {'{', '"', 'i', 't', 'e', 'm', 's', '"', ':', '[', '"', (byte) 0xC3, (byte) 0x28,
                    (byte) 0xFF, '"', ']', '}'};
            }
            case 10 -> {
                what = "huge body";
                body = utf8("{\"items\": [\"" + "x".repeat(pick(r, 65_537, 200_000, 1_000_000)) + "\"]}");
            }
            case 11 -> {
                what = "binary";
                body = new byte[r.nextInt(2000)];
                r.nextBytes(body);
            }
            default -> {
                what = "basket";
                body = utf8(basket(r));
            }
        }
        String contentType = r.nextInt(3) == 0 ? pick(r, "", "Content-Type: text/plain\r\n",
                "Content-Type: application/xml\r\n", "Content-Type: application/x-www-form-urlencoded\r\n",
                "Content-Type: multipart/form-data\r\n", "Content-Type: multipart/form-data; boundary=x\r\n",
                "Content-Type: application/json; charset=nonsense\r\n", "Content-Type: application/json; charset=UTF-16\r\n",
                "Content-Type: garbage\r\n", "Content-Type: */*\r\n", "Content-Type: application/*\r\n",
                "Content-Type: \r\n", "Content-Type: application/json\r\nContent-Type: text/plain\r\n",
                "Content-Type: application/problem+json\r\n", "Content-Type: application/json;;;\r\n")
                : "Content-Type: application/json\r\n";
        String headers = contentType + (r.nextInt(15) == 0 ? oddHeader(r) : "");
        int framing = r.nextInt(16);
        boolean json = contentType.equals("Content-Type: application/json\r\n");
        // beyond partrec.api.max-body-bytes: refused as declared, or once that much of a chunked body was read
        boolean declared = framing == 0 || framing == 1 || framing > 5;
        boolean readOn = (framing == 2 || framing == 3) && new String(body, 0, Math.min(12, body.length),
                StandardCharsets.UTF_8).equals("{\"items\": [\"");
        boolean tooLarge = json && wellFormed(target) && target.length() < 6_000
                && (framing == 0 ? body.length / 2 : body.length) > 65_536 && (declared || readOn);
        Case c = switch (framing) {
            case 0 -> request("POST /recommendations " + what + ", Content-Length shorter", Kind.API, "POST", target,
                    headers + "Content-Length: " + body.length / 2 + "\r\n", body, 0);
            case 1 -> request("POST /recommendations " + what + ", Content-Length longer", Kind.API, "POST", target,
                    headers + "Content-Length: " + (body.length + 1 + r.nextInt(100)) + "\r\n", body, 300);
            case 2, 3 -> request("POST /recommendations " + what + ", chunked", Kind.API, "POST", target,
                    headers + "Transfer-Encoding: chunked\r\n", chunked(body, r), 0);
            case 4 -> request("POST /recommendations " + what + ", broken framing", Kind.API, "POST", target,
                    headers + pick(r, "Content-Length: -1\r\n", "Content-Length: abc\r\n",
                            "Content-Length: 99999999999999999999\r\n", "Content-Length: 5\r\nContent-Length: 6\r\n",
                            "Transfer-Encoding: chunked\r\nContent-Length: " + body.length + "\r\n",
                            "Transfer-Encoding: gzip\r\n", "Transfer-Encoding: chunked, chunked\r\n",
                            "Transfer-Encoding: identity\r\n"),
                    pick(r, body, utf8("zz\r\nabc\r\n0\r\n\r\n"), chunked(body, r)), 0);
            case 5 -> request("POST /recommendations " + what + ", no length", Kind.API, "POST", target, headers, body, 0);
            default -> request("POST /recommendations " + what, Kind.API, "POST", target,
                    headers + "Content-Length: " + body.length + "\r\n", body, 0);
        };
        return tooLarge ? c.expecting(413) : c;
    }

    /** Request lines and headers that are broken as a whole: versions, Host, header syntax, line endings. */
    Case wire(Random r) {
        String path = pick(r, "/similar/" + knownPart(r) + "?limit=2", "/similar/nope", "/recommendations/u?limit=1");
        String line = "GET " + path + " HTTP/1.1\r\n";
        String host = "Host: localhost\r\n";
        String wire = switch (r.nextInt(26)) {
            case 0 -> "GET " + path + " HTTP/1.0\r\n\r\n";
            case 1 -> "GET " + path + " HTTP/2.0\r\n" + host + "\r\n";
            case 2 -> "GET " + path + " HTTP/1.2\r\n" + host + "\r\n";
            case 3 -> "GET " + path + " HTTP/9.9\r\n" + host + "\r\n";
            case 4 -> "GET " + path + " http/1.1\r\n" + host + "\r\n";
            case 5 -> "GET " + path + " HTTP/1.1x\r\n" + host + "\r\n";
            case 6 -> line + "\r\n";
            case 7 -> line + host + host + "\r\n";
            case 8 -> line + pick(r, "Host: a b\r\n", "Host: [::1\r\n", "Host: localhost:99999\r\n", "Host: \r\n",
                    "Host: evil.example\r\n", "Host: local_host\r\n", "Host: ünï.example\r\n") + "\r\n";
            case 9 -> line + host + "Foo\r\n\r\n";
            case 10 -> line + host + "Foo : bar\r\n\r\n";
            case 11 -> line + host + "X-A: 1\r\n  folded\r\n\r\n";
            case 12 -> line + host + "Fo(o: bar\r\n\r\n";
            case 13 -> line + host + "X-A: a\u0000b\r\n\r\n";
            case 14 -> line + host + "X-A: é\r\n\r\n";
            case 15 -> line + host + "X-A: " + "a".repeat(pick(r, 9_000, 20_000)) + "\r\n\r\n";
            case 16 -> line + host + "X-A: 1\r\n".repeat(pick(r, 101, 500)) + "\r\n";
            case 17 -> "GET " + path + " HTTP/1.1\nHost: localhost\nConnection: close\n\n";
            case 18 -> "\r\n\r\n" + line + host + "Connection: close\r\n\r\n";
            case 19 -> "GET http://localhost" + path + " HTTP/1.1\r\n" + host + "\r\n";
            case 20 -> "GET http://evil.example" + path + " HTTP/1.1\r\n" + host + "\r\n";
            case 21 -> pick(r, "GET * HTTP/1.1\r\n", "GET similar/x HTTP/1.1\r\n", "GET  " + path + " HTTP/1.1\r\n",
                    "GET " + path + "  HTTP/1.1\r\n", "GET\t" + path + " HTTP/1.1\r\n", " GET " + path + " HTTP/1.1\r\n",
                    "G@T " + path + " HTTP/1.1\r\n", "GET " + path + " HTTP/1.1 extra\r\n") + host + "\r\n";
            case 22 -> "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003garbage\r\n\r\n";
            case 23 -> line + host + "Content-Length: 0\r\nContent-Length: 0\r\n\r\n";
            case 24 -> line + host + "Cookie: " + "a=b; ".repeat(300) + "\r\nAuthorization: Bearer ' OR 1=1--\r\n\r\n";
            default -> "GET " + path + " HTTP/1.1\r\n" + host + "Expect: 100-continue, something-else\r\n"
                    + "Content-Length: 2\r\n\r\n{}";
        };
        int cut = wire.indexOf("\r\n\r\n");
        String head = cut < 0 ? wire : wire.substring(0, cut);
        boolean closes = !head.toLowerCase(Locale.ROOT).contains("connection:");
        String request = closes && cut >= 0 && !wire.startsWith("\r\n") ? head + "\r\nConnection: close" + wire.substring(cut)
                : wire;
        return new Case("wire " + abbreviate(printable(head), 100), Kind.API, utf8(request), 0);
    }

    /** Form bodies on methods Spring's FormContentFilter parses (PUT, PATCH, DELETE) and on POST. */
    Case form(Random r) {
        String method = pick(r, "PUT", "PATCH", "DELETE", "POST");
        String path = pick(r, "/recommendations/u", "/recommendations", "/similar/x", "/nowhere");
        byte[] body = utf8(pick(r, "a=1", "a=%zz", "%", "a=%C0", "a&&b==c", "=", "a=" + "x".repeat(100_000),
                "a=1&".repeat(20_000), "items=a&items=b"));
        String headers = "Content-Type: application/x-www-form-urlencoded\r\n";
        return r.nextBoolean()
                ? request(method + " form " + path, Kind.API, method, path, headers + "Transfer-Encoding: chunked\r\n",
                        chunked(body, r), 0)
                : request(method + " form " + path, Kind.API, method, path, headers + "Content-Length: " + body.length
                        + "\r\n", body, 0);
    }

    String basket(Random r) {
        StringBuilder b = new StringBuilder("{\"items\": [");
        for (int i = r.nextInt(4); i >= 0; i--) {
            b.append('"').append(jsonEscape(switch (r.nextInt(4)) {
                case 0 -> knownPart(r);
                case 1 -> knownUser(r);
                default -> ID_ATOMS[r.nextInt(ID_ATOMS.length)];
            })).append('"').append(i > 0 ? "," : "");
        }
        return b.append("]}").toString();
    }

    Case wrongMethodOrPath(Random r) {
        String path = apiPath(r);
        if (r.nextBoolean()) {
            String method = pick(r, "PUT", "DELETE", "PATCH", "TRACE", "FOO", "get", "CONNECT", "PROPFIND", "POST");
            boolean body = r.nextBoolean();
            return request(method + " " + path.replaceAll("\\?.*", "?.."), Kind.API, method, path,
                    body ? "Content-Type: application/json\r\nContent-Length: 16\r\n" : "",
                    body ? utf8("{\"items\": [\"a\"]}") : null, 0);
        }
        String unknown = pick(r, "/", "/recommendations", "/recommendations/", "/recommendations/a/b", "/similar",
                "/similar/", "/similar/a/b/c", "/recommendation/u", "/RECOMMENDATIONS/u", "/recommendations//u",
                "//similar/x", "/./similar/x", "/similar/./x", "/similar/../similar/x", "/../etc/passwd",
                "/%2e%2e/%2e%2e/etc/passwd", "/recommendations/..;/v3/api-docs", "/WEB-INF/web.xml",
                "/META-INF/MANIFEST.MF", "/error", "/error?status=500", "/actuator", "/actuator/health",
                "/actuator/env", "/index.html", "/favicon.ico", "/static/x.js", "/swagger-ui.html", "/x?limit=5",
                "/" + "x".repeat(9_000), "/%", "/%zz", "/%C0%AF", "/%00", "/similar%2Fx", "/recommendations%2F%2E%2E",
                "/;jsessionid=1", "/similar;a=b/x", "/similar/x;a=b", "/null", "/\u00e9", "/%F0%9F%9A%97", "*");
        String method = pick(r, "GET", "GET", "POST", "DELETE", "PUT");
        return request(method + " unknown " + unknown, Kind.API, method, unknown, "", null, 0);
    }

    String apiPath(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "/recommendations/" + id(r) + query(r);
            case 1 -> "/similar/" + id(r) + query(r);
            case 2 -> "/recommendations" + query(r);
            case 3 -> pick(r, "/recommendations/" + knownUser(r), "/similar/" + knownPart(r));
            default -> pick(r, "/v3/api-docs", "/v3/api-docs/x", "/v3/api-docs.yaml", "/v3/api-docs/", "/v3");
        };
    }

    Case headOrOptions(Random r) {
        String path = apiPath(r);
        String method = r.nextBoolean() ? "HEAD" : "OPTIONS";
        String extra = r.nextInt(4) == 0 ? "Origin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\n"
                : "";
        return request(method + " " + path, method.equals("HEAD") ? Kind.HEAD : Kind.OPTIONS, method, path, extra,
                null, 0);
    }

    Case management(Random r) {
        if (r.nextInt(3) == 0) {
            String path = pick(r, "/actuator/env", "/actuator/model", "/actuator/retrain", "/actuator/prometheus",
                    "/actuator", "/actuator/model;x=1", "/actuator/env?x=%2e%2e", "/actuator/healthz",
                    "/actuator/Health", "/actuator/retrain/" + id(r), "/actuator/health-x", "/");
            String method = pick(r, "GET", "POST", "DELETE");
            return new Case("management " + method + " " + abbreviate(path, 120) + " without a token", Kind.LOCKED,
                    utf8(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                            + (method.equals("GET") ? "" : "Content-Length: 0\r\n") + "\r\n"), 0);
        }
        String path = "/actuator/health" + pick(r, "", "/", "/liveness", "/readiness", "/" + id(r), "/liveness/" + id(r),
                "/%2e%2e", "/..;/model", "/../model", "/%2e%2e/model", "/%2F", "/%2e%2e%2fmodel", ";x=y", "/%00",
                "/%zz", "/" + "h".repeat(10_000), "/db/x", "/..", "/.", "//") + query(r);
        String method = pick(r, "GET", "GET", "GET", "HEAD", "POST", "DELETE", "OPTIONS");
        String wire = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (method.equals("POST") ? "Content-Length: 2\r\n\r\n{}" : "\r\n");
        return new Case("management " + method + " " + abbreviate(path, 120), Kind.HEALTH, utf8(wire), 0);
    }

    Case request(String what, Kind kind, String method, String target, String headers, byte[] body, int hold) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(utf8(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers
                + "\r\n"));
        if (body != null) {
            b.writeBytes(body);
        }
        return new Case(what + " " + abbreviate(target, 120), kind, b.toByteArray(), hold);
    }

    /** A request target of RFC 3986 characters only, every '%' starting an escape: one no parser refuses. */
    static boolean wellFormed(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            boolean plain = c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0);
            boolean escape = c == '%' && i + 2 < target.length() && Character.digit(target.charAt(i + 1), 16) >= 0
                    && Character.digit(target.charAt(i + 2), 16) >= 0;
            if (!plain && !escape) {
                return false;
            }
        }
        return true;
    }

    static byte[] chunked(byte[] body, Random r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + r.nextInt(8192));
            b.writeBytes(utf8(Integer.toHexString(n) + "\r\n"));
            b.write(body, at, n);
            b.writeBytes(utf8("\r\n"));
            at += n;
        }
        b.writeBytes(utf8("0\r\n\r\n"));
        return b.toByteArray();
    }

    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : utf8(s)) {
            int c = x & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return b.toString();
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @SafeVarargs
    static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // -------------------------------------------------------------------------------- the wire

    /** A response as read off the socket; {@code error} when none could be read. */
    record Reply(int status, Map<String, String> headers, byte[] body, String error) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String contentType() {
            String t = header("Content-Type");
            return t == null ? "" : t;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Reply exchange(Case c) {
        int onPort = c.kind() == Kind.HEALTH || c.kind() == Kind.LOCKED ? managementPort : port;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", onPort), 5_000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            io.submit(() -> {
                try {
                    out.write(c.request());
                    out.flush();
                    if (c.holdMillis() > 0) {
                        Thread.sleep(c.holdMillis());
                        s.shutdownOutput();
                    }
                } catch (IOException | InterruptedException e) {
                    // the server may answer and close before it has read everything: fine
                }
                return null;
            });
            return parse(readAll(s.getInputStream(), new String(c.request(), 0, 5, StandardCharsets.ISO_8859_1)
                    .startsWith("HEAD ")));
        } catch (IOException e) {
            return new Reply(-1, Map.of(), new byte[0], e.toString());
        }
    }

    /** Reads until the server closes or one whole final response is in (so keep-alive cannot stall a case). */
    static byte[] readAll(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buffer = new byte[16_384];
        try {
            for (int n; (n = in.read(buffer)) >= 0 && b.size() < 4_000_000; ) {
                b.write(buffer, 0, n);
                if (complete(b.toByteArray(), head)) {
                    break;
                }
            }
        } catch (IOException e) {
            if (b.size() == 0) {
                throw e;
            }
            // a reset after the response was read (the server closed with unread input): keep what came
        }
        return b.toByteArray();
    }

    static boolean complete(byte[] raw, boolean head) {
        Reply r = parse(raw);
        if (r.error() != null) {
            return false;
        }
        if (head || r.status() == 204 || r.status() == 304) {
            return true;
        }
        String length = r.header("Content-Length");
        if (length != null) {
            int end = indexOf(raw, utf8("\r\n\r\n"), 0);
            return raw.length - end - 4 >= Long.parseLong(length.replaceAll(",.*", "").trim());
        }
        return "chunked".equalsIgnoreCase(r.header("Transfer-Encoding"))
                && new String(raw, Math.max(0, raw.length - 5), Math.min(5, raw.length), StandardCharsets.ISO_8859_1)
                        .equals("0\r\n\r\n");
    }

    static Reply parse(byte[] raw) {
        while (raw.length > 12 && new String(raw, 0, 12, StandardCharsets.ISO_8859_1).matches("HTTP/1\\.[01] 1\\d\\d")) {
            int interim = indexOf(raw, utf8("\r\n\r\n"), 0); // 100 Continue: the final response follows
            raw = interim < 0 ? new byte[0] : Arrays.copyOfRange(raw, interim + 4, raw.length);
        }
        int end = indexOf(raw, utf8("\r\n\r\n"), 0);
        if (end < 0) {
            return new Reply(-1, Map.of(), raw, "no complete response head in " + raw.length + " bytes");
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        try {
            return new Reply(Integer.parseInt(statusLine[1]), headers, body, null);
        } catch (RuntimeException e) {
            return new Reply(-1, headers, body, "bad status line: " + lines[0]);
        }
    }

    static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int eol = indexOf(body, utf8("\r\n"), at);
            if (eol < 0) {
                break;
            }
            int size;
            try {
                size = Integer.parseInt(new String(body, at, eol - at, StandardCharsets.ISO_8859_1).split(";")[0]
                        .trim(), 16);
            } catch (NumberFormatException e) { // a body still on its way, or a broken one: what came so far
                break;
            }
            if (size <= 0) {
                break;
            }
            b.write(body, eol + 2, Math.max(0, Math.min(size, body.length - eol - 2)));
            at = eol + 2 + size + 2;
        }
        return b.toByteArray();
    }

    static int indexOf(byte[] data, byte[] what, int from) {
        outer:
        for (int i = from; i <= data.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // -------------------------------------------------------------------------------- the test

    @Test
    void noBadInputGetsA5xxAStackTraceOrAnythingButAProblem() throws Exception {
        long seed = Long.getLong("partrec.fuzz.seed", DEFAULT_SEED);
        int count = Integer.getInteger("partrec.fuzz.cases", DEFAULT_CASES);
        System.out.println("FuzzTest seed " + seed + " (replay: -Dpartrec.fuzz.seed=" + seed + "), " + count + " cases");
        List<Case> cases = generate(new Random(seed), count);
        String only = System.getProperty("partrec.fuzz.only"); // a regex: run only the cases whose name matches
        if (only != null) {
            cases = cases.stream().filter(c -> c.name().matches(only)).toList();
        }
        long t0 = System.nanoTime();
        List<Reply> replies = run(cases);
        Report report = new Report(System.getProperty("partrec.fuzz.show")); // show: a regex over problem details
        for (int i = 0; i < cases.size(); i++) {
            report.add(cases.get(i), replies.get(i));
        }
        System.out.println("FuzzTest: " + cases.size() + " cases in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        report.print();
        assertThat(report.failures).as("seed " + seed + ", " + cases.size() + " cases; failures by kind:"
                + report.failures()).isEmpty();
    }

    @Test
    void theErrorPageIsNoEndpointOfTheApi() throws Exception {
        Reply docs = exchange(request("docs", Kind.API, "GET", "/v3/api-docs", "", null, 0));
        assertThat(json(docs.body()).path("paths").has("/error")).isFalse();
        Reply error = exchange(request("error", Kind.API, "GET", "/error", "", null, 0));
        assertThat(error.status()).isEqualTo(404);
        assertThat(check(new Case("GET /error", Kind.API, new byte[0], 0), error)).isNull();
    }

    /** Every reply, in the order of the cases: eight clients at a time, the HTTP/0.9 cases last (see there). */
    List<Reply> run(List<Case> cases) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            Map<Case, Future<Reply>> replies = new IdentityHashMap<>();
            for (Case c : cases) {
                if (c.kind() != Kind.HTTP09) {
                    replies.put(c, clients.submit(() -> exchange(c)));
                }
            }
            List<Reply> answers = new ArrayList<>();
            for (Case c : cases) {
                answers.add(c.kind() == Kind.HTTP09 ? null : replies.get(c).get(60, TimeUnit.SECONDS));
            }
            for (int i = 0; i < cases.size(); i++) {
                if (cases.get(i).kind() == Kind.HTTP09) {
                    answers.set(i, exchange(cases.get(i)));
                }
            }
            return answers;
        } finally {
            clients.shutdown();
        }
    }

    /** Failures by kind, and what the server said: statuses, one sample each, every distinct detail. */
    static final class Report {
        final Map<String, List<String>> failures = new TreeMap<>();
        final Map<String, Integer> statuses = new TreeMap<>();
        final Map<String, String> samples = new TreeMap<>();
        final Map<String, Integer> details = new TreeMap<>();
        final Map<String, String> detailCases = new TreeMap<>();
        final String show;

        Report(String show) {
            this.show = show;
        }

        void add(Case c, Reply r) {
            String key = c.kind() + " " + r.status() + " " + r.contentType().replaceAll(";.*", "");
            statuses.merge(key, 1, Integer::sum);
            samples.putIfAbsent(key, c.name() + " -> " + printable(abbreviate(r.text(), 160)));
            JsonNode answer = r.contentType().startsWith("application/problem+json") ? json(r.body()) : null;
            if (answer != null) {
                String detail = r.status() + " " + abbreviate(answer.path("detail").asText()
                        .replaceAll("'[^']*'|\\[[^\\]]*\\]|\\d+", "_"), 110);
                details.merge(detail, 1, Integer::sum);
                detailCases.putIfAbsent(detail, abbreviate(c.name(), 100));
                if (show != null && detail.matches(show)) {
                    System.out.println("FuzzTest show " + describe(c, r));
                }
            }
            String problem = check(c, r);
            if (problem != null) {
                failures.computeIfAbsent(problem, k -> new ArrayList<>()).add(describe(c, r));
            }
        }

        void print() throws IOException {
            System.out.println("FuzzTest statuses " + statuses);
            samples.forEach((key, sample) -> System.out.println("FuzzTest sample " + key + ": " + sample));
            details.forEach((detail, n) -> System.out.println("FuzzTest detail " + n + " x " + detail + "    e.g. "
                    + detailCases.get(detail)));
            Path file = Path.of("target", "fuzz-failures.txt");
            Files.deleteIfExists(file);
            if (!failures.isEmpty()) {
                StringBuilder all = new StringBuilder();
                failures.forEach((problem, examples) -> {
                    all.append("\n\n").append(examples.size()).append(" x ").append(problem);
                    examples.forEach(e -> all.append("\n    ").append(e));
                });
                Files.writeString(file, all);
                System.out.println("FuzzTest: every failure is in target/fuzz-failures.txt");
            }
        }

        /** Each kind of failure with its count and four examples. */
        String failures() {
            StringBuilder b = new StringBuilder();
            failures.forEach((problem, examples) -> {
                b.append("\n\n").append(examples.size()).append(" x ").append(problem);
                examples.stream().limit(4).forEach(e -> b.append("\n    ").append(e));
            });
            return b.toString();
        }
    }

    /** What is wrong with a reply, or null. */
    static String check(Case c, Reply r) {
        if (c.kind() == Kind.HTTP09 && r.error() != null) {
            JsonNode body = json(r.body());
            return body != null && (body.path("items").isArray() || !body.path("detail").asText("").isBlank()) ? null
                    : "HTTP/0.9 answer that is neither items nor a problem";
        }
        if (r.error() != null) {
            return "no response (" + r.error().replaceAll(":.*", "") + ")";
        }
        String text = r.text();
        if (r.status() >= 500) {
            return "5xx";
        }
        if (c.expect() != 0 && r.status() != c.expect()) {
            return "not " + c.expect();
        }
        if (text.contains("Exception") || text.contains("at org.") || text.contains("at java.")) {
            return "stack trace fragment in the body";
        }
        String lower = text.toLowerCase(Locale.ROOT);
        boolean management = c.kind() == Kind.HEALTH || c.kind() == Kind.LOCKED;
        if (!management && (lower.contains("<html") || lower.contains("<!doctype"))) {
            return "HTML error page";
        }
        return switch (c.kind()) {
            case API, HTTP09 -> checkApi(r);
            case HEAD -> checkHead(r);
            case OPTIONS -> checkOptions(r);
            case HEALTH -> checkHealth(r);
            case LOCKED -> r.status() == 400 ? null // a path Tomcat refuses before any filter: no access either
                    : r.status() != 401 ? "locked management endpoint not 401 without a token" : checkProblem(r);
        };
    }

    static String checkApi(Reply r) {
        if (r.status() >= 400) {
            return checkProblem(r);
        }
        if (r.status() < 200 || r.status() >= 300) {
            return "unexpected status " + r.status();
        }
        if (!r.contentType().startsWith("application/json")) {
            return "2xx not application/json";
        }
        JsonNode json = json(r.body());
        if (json == null || !json.path("items").isArray()) {
            return "2xx without items";
        }
        return null;
    }

    static String checkProblem(Reply r) {
        if (!r.contentType().startsWith("application/problem+json")) {
            return r.status() + " not application/problem+json";
        }
        JsonNode json = json(r.body());
        if (json == null) {
            return r.status() + " problem+json that does not parse";
        }
        if (json.path("status").asInt() != r.status()) {
            return r.status() + " problem whose status field differs";
        }
        if (json.path("detail").asText("").isBlank()) {
            return r.status() + " problem without a detail";
        }
        return null;
    }

    static String checkHead(Reply r) {
        if (r.body().length > 0) {
            return "HEAD answered with a body";
        }
        if (r.status() >= 400 && !r.contentType().startsWith("application/problem+json")) {
            return "HEAD " + r.status() + " not application/problem+json";
        }
        if (r.status() < 400 && r.status() != 200) {
            return "HEAD unexpected status " + r.status();
        }
        return null;
    }

    static String checkOptions(Reply r) {
        if (r.status() >= 400) {
            return checkProblem(r);
        }
        if (r.header("Allow") == null && r.header("Access-Control-Allow-Methods") == null) {
            return "OPTIONS " + r.status() + " without Allow";
        }
        if (r.body().length > 0) {
            return "OPTIONS " + r.status() + " with a body";
        }
        return null;
    }

    static String checkHealth(Reply r) {
        if (r.status() >= 200 && r.status() < 300 && r.body().length > 0) {
            JsonNode json = json(r.body());
            if (json == null || !json.has("status") || json.has("serving") || json.has("_links")) {
                return "a health path answered with something other than health";
            }
        }
        return null;
    }

    static JsonNode json(byte[] body) {
        try {
            return body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static String describe(Case c, Reply r) {
        String head = new String(c.request(), 0, Math.min(c.request().length, 160), StandardCharsets.UTF_8);
        return c.name() + "\n        request: " + printable(head) + "\n        -> " + r.status() + " ["
                + r.contentType() + "] " + printable(abbreviate(r.error() != null ? r.error() + ": " + r.text() : r.text(), 200));
    }

    static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
    }
}

package org.partrec.serve.web;

import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * The API server's Tomcat, in two ways:
 * <ul>
 * <li>Errors Tomcat answers itself are {@code application/problem+json}: {@link ProblemErrorValve}
 * takes the place of Tomcat's {@code ErrorReportValve} (Spring Boot's and the host's default) on
 * the host. Done as the host starts, so no other customizer can add the HTML valve back after it.
 * <li>An encoded slash or backslash in a path segment ({@code /similar/a%2Fb}, {@code %5C}) is
 * passed through: Tomcat's default refuses {@code %2F} (a 400 before any servlet runs), so such
 * an id could never even be looked up. Passed through, the servlet path keeps {@code %2F} and Spring MVC, which matches the raw path
 * segment by segment, decodes it inside its segment: {@code a%2Fb} is the id {@code a/b} (an
 * unknown item: 404 problem), never a path separator. So it cannot select another route or climb
 * to another path, which {@code decode} (a {@code /} before mapping) would allow, and an id that
 * really contains a slash stays addressable.
 * </ul>
 * Only the API's server: the management server has a factory of its own, which this does not touch.
 */
@Component
class TomcatProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
            connector.setEncodedReverseSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
        });
        factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            if (host instanceof StandardHost standard) { // else it would add its HTML valve as it starts
                standard.setErrorReportValveClass(ProblemErrorValve.class.getName());
            }
            host.addLifecycleListener(event -> {
                if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                    useProblemValve(host);
                }
            });
        });
    }

    /** Removes every HTML error valve from the host and adds the problem one (once). */
    static void useProblemValve(Host host) {
        boolean present = false;
        for (Valve valve : host.getPipeline().getValves()) {
            if (valve instanceof ErrorReportValve) {
                host.getPipeline().removeValve(valve);
            }
            present |= valve instanceof ProblemErrorValve;
        }
        if (!present) {
            host.getPipeline().addValve(new ProblemErrorValve());
        }
    }
}

package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.PartrecApplication;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Graceful shutdown of the HTTP side: a request that is still arriving when the service is told
 * to stop is read to its end and answered in full before the server goes away.
 */
class ShutdownTest {

    @Test
    void aRequestInFlightWhenTheServiceStopsIsAnsweredInFull(@TempDir Path dir) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PartrecApplication.class).properties(
                "server.port=0", "management.server.port=0", "partrec.warehouse.path=" + dir.resolve("w.duckdb"),
                "partrec.models.path=" + dir.resolve("models"), "partrec.demo.customers=1000",
                "partrec.demo.parts=300", "partrec.demo.events=20000", "partrec.export.enabled=false",
                "logging.structured.format.console=").run();
        boolean closed = false;
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            ServingModel serving = context.getBean(ServingModel.class);
            long until = System.nanoTime() + 60_000_000_000L;
            while (serving.current().filter(Snapshot::hasModel).isEmpty() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            String item = serving.current().orElseThrow().items().idOf(0);

            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                String first = "{\"items\": [";
                String rest = "\"" + item + "\"]}";
                out.write(("POST /recommendations?limit=5 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(300); // the request is being read by the controller

                Thread closer = new Thread(context::close, "closer");
                closer.start();
                Thread.sleep(1_000); // the shutdown has begun and waits for the request
                assertThat(closer.isAlive()).as("the shutdown waits for the request in flight").isTrue();

                out.write((Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(response).startsWith("HTTP/1.1 200").contains("\"items\":[{\"itemId\":");
                closer.join(30_000);
                assertThat(closer.isAlive()).isFalse();
                closed = true;
            }
            assertThat(context.isActive()).isFalse();
        } finally {
            if (!closed) {
                context.close();
            }
        }
    }
}

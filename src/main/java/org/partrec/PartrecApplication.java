package org.partrec;

import org.partrec.cli.Cli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Entry point: {@code java -jar partrec.jar} starts the service; {@code evaluate} and
 * {@code tune} run the offline commands without starting Spring.
 */
@SpringBootApplication(scanBasePackages = {"org.partrec.app", "org.partrec.serve.web"})
public class PartrecApplication {

    public static void main(String[] args) {
        if (Cli.isCommand(args)) {
            System.exit(Cli.main(args));
        }
        SpringApplication.run(PartrecApplication.class, args);
    }
}

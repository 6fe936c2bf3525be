package org.partrec.app;

import org.partrec.serve.ServingModel;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of the full-server tests: management on a random port, and the embedded warehouse and
 * the model store in fresh temporary folders, so no test reads another's data or the project's
 * {@code data/} folder; the ports and the serving model, injected.
 */
@TestPropertySource(properties = {"management.server.port=0",
    "partrec.warehouse.path=${java.io.tmpdir}/partrec-test-${random.uuid}/warehouse.duckdb",
    "partrec.models.path=${java.io.tmpdir}/partrec-test-${random.uuid}/models"})
public abstract class OnTempStore {

    /** The API port. */
    @LocalServerPort
    protected int port;
    /** The management port. */
    @LocalManagementPort
    protected int managementPort;
    @Autowired
    protected ServingModel serving;
}

package org.partrec.app;

import org.springframework.test.context.TestPropertySource;

/**
 * Base of the full-server tests: management on a random port, and the embedded warehouse and
 * the model store in fresh temporary folders, so no test reads another's data or the project's
 * {@code data/} folder.
 */
@TestPropertySource(properties = {"management.server.port=0",
    "partrec.warehouse.path=${java.io.tmpdir}/partrec-test-${random.uuid}/warehouse.duckdb",
    "partrec.models.path=${java.io.tmpdir}/partrec-test-${random.uuid}/models"})
public abstract class OnTempStore {
}

package org.openmtl.core.results;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;

/**
 * The contract on a real PostgreSQL server, named by the environment variable
 * {@value #URL_VARIABLE} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/openmtl?user=openmtl&password=openmtl});
 * skipped when it is not set. The tests share that database; their ids are unique per run.
 */
class PostgresResultsDatabaseTest extends ResultsDatabaseContract {

    static final String URL_VARIABLE = "MTL_TEST_POSTGRES_URL";

    @BeforeEach
    void needsAServer() {
        String url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), URL_VARIABLE + " is not set: no PostgreSQL server to test against");
    }

    @Override
    protected ResultsDatabase openDatabase() {
        return ResultsDatabase.open(System.getenv(URL_VARIABLE), null);
    }
}

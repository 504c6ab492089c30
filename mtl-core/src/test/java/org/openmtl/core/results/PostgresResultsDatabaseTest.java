package org.openmtl.core.results;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real PostgreSQL server, named by the environment variable
 * {@value #URL_VARIABLE} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/openmtl?user=openmtl&password=openmtl});
 * skipped when it is not set. The tests share that database; their ids are unique per run.
 */
class PostgresResultsDatabaseTest extends ResultsDatabaseContract {

    static final String URL_VARIABLE = "MTL_TEST_POSTGRES_URL";

    private String url;

    @BeforeEach
    void needsAServer() {
        url = System.getenv(URL_VARIABLE);
        assumeTrue(url != null && !url.isBlank(), URL_VARIABLE + " is not set: no PostgreSQL server to test against");
    }

    @Override
    protected ResultsDatabase openDatabase() {
        return ResultsDatabase.open(url, null);
    }

    @Test
    void aRefusedLoginIsReportedWithoutThePassword() {
        assumeTrue(url.contains("password="), "the URL has no password to get wrong");
        String wrong = url.replaceAll("password=[^&]*", "password=wrong-Pw-4711");
        ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class, () -> ResultsDatabase.open(wrong, null));
        assertTrue(e.getMessage().contains("refused the login"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-Pw-4711"), e.getMessage());
    }

    @Test
    void aMissingDatabaseSaysHowToCreateIt() {
        String missing = url.replaceFirst("(//[^/]*/)[^?]*", "$1no_such_openmtl_db");
        ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class, () -> ResultsDatabase.open(missing, null));
        assertTrue(e.getMessage().contains("no_such_openmtl_db") && e.getMessage().contains("createdb"), e.getMessage());
    }
}

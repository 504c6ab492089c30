package org.openmtl.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Parsing database URLs, and naming databases in messages without their passwords. */
class DatabaseTargetTest {

    @Test
    void anEmptyUrlIsTheSweepsOwnSqliteFile() {
        DatabaseTarget t = DatabaseTarget.of(" ", Path.of("/tmp/sweep"));
        assertEquals(Dialect.SQLITE, t.dialect());
        assertEquals(Path.of("/tmp/sweep/results.db"), t.file());
        assertEquals("jdbc:sqlite:/tmp/sweep/results.db", t.shownUrl());
    }

    @Test
    void aPostgresUrlIsNamedByHostAndDatabaseAndItsPasswordHidden() {
        DatabaseTarget t = DatabaseTarget.of(
                "jdbc:postgresql://db.example.org:5433/mtl?user=ann&password=s3cret&ssl=true", null);
        assertEquals(Dialect.POSTGRESQL, t.dialect());
        assertEquals("PostgreSQL database mtl on db.example.org:5433", t.name());
        assertEquals("jdbc:postgresql://db.example.org:5433/mtl?user=ann&password=***&ssl=true", t.shownUrl());
        assertNull(t.file());
        assertEquals("login of ann with *** failed", t.scrub("login of ann with s3cret failed"));
    }

    @Test
    void anUnknownUrlSaysWhatIsExpected() {
        ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class,
                () -> DatabaseTarget.of("mysql://host/db?password=pw", null));
        assertTrue(e.getMessage().contains("jdbc:postgresql://"), e.getMessage());
        assertFalse(e.getMessage().contains("=pw"), e.getMessage());
    }

    @Test
    void anUnreachablePostgresServerIsNamedWithoutItsPassword() {
        // port 1 on the loopback interface: nothing listens, the connection is refused at once
        ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class, () -> ResultsDatabase.open(
                "jdbc:postgresql://127.0.0.1:1/openmtl?user=openmtl&password=hunter2&connectTimeout=5", null));
        assertTrue(e.getMessage().contains("openmtl on 127.0.0.1:1"), e.getMessage());
        assertTrue(e.getMessage().contains("Cannot reach"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}

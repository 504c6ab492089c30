package org.openmtl.core.results;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a results database lives, parsed from its URL: the dialect, the JDBC URL, and how to
 * name it to a person without ever showing a password.
 *
 * @param dialect SQLite or PostgreSQL
 * @param jdbcUrl the URL given to the driver (may hold a password)
 * @param shownUrl the URL with any password replaced by {@code ***}
 * @param name how messages name it: the file path, or {@code PostgreSQL database <db> on <host>}
 * @param file the SQLite file; null for PostgreSQL and for an in-memory SQLite database
 * @param password the password in the URL, to scrub from driver messages; null if none
 */
record DatabaseTarget(Dialect dialect, String jdbcUrl, String shownUrl, String name, Path file, String password) {

    /** The file name of a sweep's own database. */
    static final String DEFAULT_FILE = "results.db";

    private static final Pattern PASSWORD = Pattern.compile("(?i)([?&;]password=)([^&;]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*:)([^/@]*)(@)");
    private static final Pattern PG = Pattern.compile("jdbc:postgresql:(?://([^/?]*))?/?([^?]*)(?:\\?.*)?");

    static DatabaseTarget of(String url, Path sweepDirectory) {
        if (url == null || url.isBlank()) {
            if (sweepDirectory == null) {
                throw new IllegalArgumentException("a results database needs a URL or the sweep's directory");
            }
            Path file = sweepDirectory.resolve(DEFAULT_FILE).toAbsolutePath().normalize();
            return sqlite(file);
        }
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:sqlite:")) {
            String rest = trimmed.substring("jdbc:sqlite:".length());
            int query = rest.indexOf('?');
            String path = query < 0 ? rest : rest.substring(0, query);
            if (path.startsWith("file:")) {
                path = path.substring("file:".length());
            }
            if (path.isEmpty() || path.equals(":memory:") || path.contains("mode=memory")) {
                return new DatabaseTarget(Dialect.SQLITE, trimmed, trimmed, "in-memory SQLite database", null, null);
            }
            Path file = Path.of(path).toAbsolutePath().normalize();
            String jdbc = "jdbc:sqlite:" + file + (query < 0 ? "" : rest.substring(query));
            return new DatabaseTarget(Dialect.SQLITE, jdbc, jdbc, file.toString(), file, null);
        }
        if (trimmed.startsWith("jdbc:postgresql:")) {
            String password = null;
            Matcher m = PASSWORD.matcher(trimmed);
            if (m.find()) {
                password = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            }
            String shown = USER_INFO.matcher(PASSWORD.matcher(trimmed).replaceAll("$1***")).replaceAll("$1***$3");
            Matcher pg = PG.matcher(trimmed);
            String host = "localhost:5432";
            String db = "(default database)";
            if (pg.matches()) {
                if (pg.group(1) != null && !pg.group(1).isEmpty()) {
                    host = pg.group(1).replaceAll("^.*@", "");
                }
                if (!pg.group(2).isEmpty()) {
                    db = pg.group(2);
                }
            }
            return new DatabaseTarget(Dialect.POSTGRESQL, trimmed, shown,
                    "PostgreSQL database " + db + " on " + host, null, password);
        }
        throw new ResultsDatabaseException("results.url=" + PASSWORD.matcher(trimmed).replaceAll("$1***")
                + " is not a database URL this build can use. Expected empty (SQLite file results.db in the"
                + " sweep directory), jdbc:sqlite:/path/to/file.db, or"
                + " jdbc:postgresql://host:5432/database?user=...&password=...");
    }

    private static DatabaseTarget sqlite(Path file) {
        String jdbc = "jdbc:sqlite:" + file;
        return new DatabaseTarget(Dialect.SQLITE, jdbc, jdbc, file.toString(), file, null);
    }

    /** A driver message with the password (if any) blanked out. */
    String scrub(String message) {
        if (message == null) {
            return "";
        }
        String s = message;
        if (password != null && !password.isEmpty()) {
            s = s.replace(password, "***");
        }
        return PASSWORD.matcher(s).replaceAll("$1***");
    }
}

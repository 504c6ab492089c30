package org.openmtl.core.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the report of a run or sweep: bound in {@link org.openmtl.core.run.MtlModule} to {@link
 * Html} (the self-contained {@code report.html}); an experiment module may bind its own to add
 * its figures or write another format.
 */
public interface ReportWriter {

    /**
     * Writes a report.
     *
     * @param file the report file
     * @param title the page's title
     * @param subtitle a line under the title
     * @param entries the trials, grouped into methods
     * @param summary the sweep summary (empty for a single run)
     * @throws IOException if writing fails
     */
    void write(Path file, String title, String subtitle, List<HtmlReport.Entry> entries, Map<String, Object> summary)
            throws IOException;

    /** The self-contained HTML page of {@link HtmlReport}. */
    final class Html implements ReportWriter {

        /** Creates the writer. */
        @jakarta.inject.Inject
        public Html() {}

        @Override
        public void write(Path file, String title, String subtitle, List<HtmlReport.Entry> entries,
                Map<String, Object> summary) throws IOException {
            HtmlReport.write(file, title, subtitle, entries, summary);
        }
    }
}

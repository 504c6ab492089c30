package org.example.lab;

import com.google.inject.AbstractModule;
import org.openmtl.core.report.ReportWriter;

/**
 * The lab's Guice module: replaces the framework's report writer with {@link LabReportWriter}.
 * Installed with {@code Mtl.builder().override(new LabModule())}; nothing in the framework changes.
 */
public final class LabModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(ReportWriter.class).to(LabReportWriter.class);
    }
}

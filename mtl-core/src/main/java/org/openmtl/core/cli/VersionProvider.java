package org.openmtl.core.cli;

import ai.djl.engine.Engine;
import org.openmtl.api.plugin.ApiVersion;
import org.openmtl.core.result.Provenance;
import picocli.CommandLine;

/** Prints the framework, SPI and DJL versions. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "openmtl " + Provenance.frameworkVersion(), "SPI " + ApiVersion.CURRENT, "DJL " + Engine.getDjlVersion()
        };
    }
}

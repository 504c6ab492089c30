package org.openmtl.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU facts a result records, read from fixed cpuinfo and sysfs texts. */
class CpuFactsTest {

    @TempDir Path dir;

    private static final String TWO_PROCESSORS = """
            processor	: 0
            vendor_id	: AuthenticAMD
            cpu family	: 26
            model		: 2
            model name	: AMD EPYC
            flags		: fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma avx512f avx512dq avx512_vnni avx512_bf16

            processor	: 1
            vendor_id	: GenuineOther
            model name	: Another CPU
            flags		: fpu sse2
            """;

    @Test
    void theFirstProcessorsModelAndVectorSetsAreRead() {
        Map<String, Object> facts = CpuFacts.fromCpuinfo(TWO_PROCESSORS);
        assertEquals("AMD EPYC", facts.get("model"));
        assertEquals("AuthenticAMD", facts.get("vendor"));
        assertEquals("26", facts.get("family"));
        assertEquals("2", facts.get("model_number"));
        assertEquals("sse4_1 sse4_2 avx avx2 fma avx512f avx512_vnni avx512_bf16", facts.get("vector"));
    }

    @Test
    void aCpuWithoutVectorExtensionsHasAnEmptyListAndMissingFieldsAreLeftOut() {
        Map<String, Object> facts = CpuFacts.fromCpuinfo("processor : 0\nflags : fpu sse2\n");
        assertEquals("", facts.get("vector"));
        assertFalse(facts.containsKey("model"));
        assertFalse(facts.containsKey("family"));
    }

    @Test
    void cacheLevelsAreListedInIndexOrderWithDataAndInstructionMarked() throws IOException {
        writeCache("index0", "1", "Data", "48K");
        writeCache("index1", "1", "Instruction", "32K");
        writeCache("index2", "2", "Unified", "1024K");
        writeCache("index3", "3", "Unified", "32768K");
        Files.writeString(dir.resolve("uevent"), "");
        assertEquals("L1d 48K, L1i 32K, L2 1024K, L3 32768K", CpuFacts.caches(dir));
    }

    @Test
    void aMachineThatReportsNoCachesSaysSoAndOneWithoutTheDirectoryIsUnknown() {
        assertEquals("none reported", CpuFacts.caches(dir));
        assertEquals("unknown", CpuFacts.caches(dir.resolve("absent")));
    }

    @Test
    void thisMachinesFactsAlwaysNameAModelAndCaches() {
        Map<String, Object> facts = CpuFacts.collect();
        assertFalse(String.valueOf(facts.get("model")).isBlank());
        assertFalse(String.valueOf(facts.get("caches")).isBlank());
    }

    private void writeCache(String index, String level, String type, String size) throws IOException {
        Path d = Files.createDirectories(dir.resolve(index));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }
}

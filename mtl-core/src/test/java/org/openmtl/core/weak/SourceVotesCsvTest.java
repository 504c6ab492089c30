package org.openmtl.core.weak;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;

class SourceVotesCsvTest {

    private static final TaskGraph GRAPH = TaskGraph.builder().addTask("coarse", 2).addTask("fine", 10)
            .addSubsumption("coarse", "fine", 1, 1, 1, 1, 1, 2, 2, 2, 2, 2).build();

    private static final String HEADER = "rule[coarse],model[fine],annotator[coarse;fine]\n";

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("votes.csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** Reads a file expected to be refused; checks the message names the file and the place. */
    private String refused(String text, String where) throws IOException {
        Path file = write(text);
        DataException e = assertThrows(DataException.class, () -> SourceVotesCsv.read(file, GRAPH, -1));
        assertEquals(file, e.getFile());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(where), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aGoodFileGivesOneVoteVectorPerRowAndSource() throws IOException {
        Path file = write("\uFEFF" + HEADER.replace("\n", "\r\n")
                + "2,7,coarse:2;fine:8\r\n"
                + " , 0 , coarse:1 \r\n"
                + "1,fine:3,\r\n"
                + "0,,fine:10;coarse:2\r\n"
                + "\r\n");
        SourceVotes votes = SourceVotesCsv.read(file, GRAPH, 4);
        assertEquals(4, votes.exampleCount());
        assertEquals(List.of("rule", "model", "annotator"), votes.sources().stream().map(s -> s.name()).toList());
        assertEquals(List.of(0, 1), votes.sources().get(2).tasks());
        assertArrayEquals(new int[] {2, 0}, votes.voteVector(0, 0));
        assertArrayEquals(new int[] {0, 7}, votes.voteVector(0, 1));
        assertArrayEquals(new int[] {2, 8}, votes.voteVector(0, 2));
        assertTrue(votes.abstains(1, 0));
        assertTrue(votes.abstains(1, 1));
        assertArrayEquals(new int[] {1, 0}, votes.voteVector(1, 2));
        assertArrayEquals(new int[] {1, 0}, votes.voteVector(2, 0));
        assertArrayEquals(new int[] {0, 3}, votes.voteVector(2, 1));
        assertTrue(votes.abstains(2, 2));
        assertArrayEquals(new int[] {2, 10}, votes.voteVector(3, 2));
    }

    @Test
    void anEmptyFileAsksForAHeader() throws IOException {
        String m = refused("", "is empty");
        assertTrue(m.contains("rule") || m.contains("s1[coarse]"), m);
        refused("\n  \n", "is empty");
        refused(HEADER, "has a header but no example rows");
    }

    @Test
    void aBadHeaderNamesTheColumnAndTheExpectedSyntax() throws IOException {
        refused("rule[coarse],model\n1,1\n", "line 1 (header), column 2: 'model' is not a source; expected name[task]");
        refused("rule[coarse],model[digit]\n1,1\n", "column 2: source 'model' covers task 'digit'; expected tasks of [coarse, fine]");
        refused("rule[coarse],rule[fine]\n1,1\n", "column 2: source 'rule' is already named in column 1");
        refused("rule[coarse;coarse]\n1\n", "column 1: source 'rule' names task 'coarse' twice");
        refused("[coarse]\n1\n", "column 1: '[coarse]' has no valid source name");
        refused("rule[]\n1\n", "column 1: source 'rule' covers an empty task name");
    }

    @Test
    void aRowWithTheWrongNumberOfCellsNamesItsLine() throws IOException {
        refused(HEADER + "1,2,\n1,2\n", "line 3 has 2 cells; expected 3");
        refused(HEADER + "1,2,,4\n", "line 2 has 4 cells; expected 3");
        refused(HEADER + "1,2,\n\n1,2,\n", "line 3 is blank");
    }

    @Test
    void aClassOutsideTheTaskOrNotANumberNamesLineColumnAndRange() throws IOException {
        refused(HEADER + "1,2,\n3,2,\n", "line 3, column 1 (source 'rule'): class 3 is outside the classes 1..2 of task 'coarse'");
        refused(HEADER + "1,11,\n", "line 2, column 2 (source 'model'): class 11 is outside the classes 1..10 of task 'fine'");
        refused(HEADER + "1,-1,\n", "line 2, column 2 (source 'model'): class -1 is outside");
        refused(HEADER + "1,2,coarse:x\n", "line 2, column 3 (source 'annotator'): 'x' is not a class of task 'coarse'");
        refused(HEADER + "one,2,\n", "line 2, column 1 (source 'rule'): 'one' is not a class");
    }

    @Test
    void aVoteForATaskTheSourceDoesNotCoverIsRefused() throws IOException {
        refused(HEADER + "fine:3,2,\n", "line 2, column 1 (source 'rule'): a vote for task 'fine', which the header"
                + " does not give the source");
        refused(HEADER + "1,2,size:3\n", "line 2, column 3 (source 'annotator'): no task 'size'");
        refused(HEADER + "1,2,coarse:1;coarse:2\n", "line 2, column 3 (source 'annotator'): task 'coarse' is voted twice");
        refused(HEADER + "1,2,7\n", "line 2, column 3 (source 'annotator'): '7' is a bare class, but the source covers"
                + " [coarse, fine]");
        refused(HEADER + "1,2,coarse:1 fine:2\n", "line 2, column 3 (source 'annotator')");
    }

    @Test
    void aVoteThatContradictsTheTaskGraphIsRefused() throws IOException {
        String m = refused(HEADER + "1,2,coarse:2;fine:8\n1,2,coarse:1;fine:8\n",
                "line 3, column 3 (source 'annotator'): 'coarse:1;fine:8' contradicts the task graph");
        assertTrue(m.contains("fine:8->coarse:2"), m);
    }

    @Test
    void theRowCountMustMatchTheExamplesAndAMissingFileIsNamed() throws IOException {
        Path file = write(HEADER + "1,2,\n1,2,\n");
        DataException e = assertThrows(DataException.class, () -> SourceVotesCsv.read(file, GRAPH, 3));
        assertTrue(e.getMessage().contains("holds 2 example rows; expected 3"), e.getMessage());
        Path missing = dir.resolve("none.csv");
        e = assertThrows(DataException.class, () -> SourceVotesCsv.read(missing, GRAPH, -1));
        assertEquals(missing, e.getFile());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Path binary = dir.resolve("binary.csv");
        Files.write(binary, new byte[] {(byte) 0xC3, (byte) 0x28});
        e = assertThrows(DataException.class, () -> SourceVotesCsv.read(binary, GRAPH, -1));
        assertTrue(e.getMessage().contains("is not UTF-8 text"), e.getMessage());
    }
}

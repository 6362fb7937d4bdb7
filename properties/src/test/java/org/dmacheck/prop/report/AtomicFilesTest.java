package org.dmacheck.prop.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void createsParentsReplacesOldContentAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("a/b/report.txt");
        AtomicFiles.write(target, "first");
        AtomicFiles.write(target, "second\n");
        assertThat(Files.readString(target)).isEqualTo("second\n");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("report.txt");
        }
    }
}

package org.dmacheck.spec.op;

/**
 * A dmacheck trace (or a recorded kernel trace) that cannot be read. The message is one line of the
 * form {@code file:line: what is wrong}, like a compiler's.
 */
public final class TraceFormatException extends RuntimeException {
    private final String file;
    private final int line;
    private final String problem;

    public TraceFormatException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** The file (or source name) being read. */
    public String file() {
        return file;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}

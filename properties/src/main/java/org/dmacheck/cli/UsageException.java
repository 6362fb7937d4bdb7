package org.dmacheck.cli;

/** A bad input the user can fix: reported as one line, exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}

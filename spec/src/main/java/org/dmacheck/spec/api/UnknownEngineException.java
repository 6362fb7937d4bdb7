package org.dmacheck.spec.api;

import java.util.List;

/** No engine of that name is installed; the message lists those that are. */
public final class UnknownEngineException extends IllegalArgumentException {
    public UnknownEngineException(String name, List<String> known) {
        super("unknown engine '" + name + "'; known engines: "
                + (known.isEmpty() ? "(none installed)" : String.join(", ", known)));
    }
}

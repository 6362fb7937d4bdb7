package org.dmacheck.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dmacheck.trace.KernelEvent.At;

/**
 * Reads the text of {@code /sys/kernel/tracing/trace} (or {@code trace_pipe}, or a file written by
 * {@code tools/dmacheck-capture.sh}) into a {@link KernelTrace}.
 *
 * <ul>
 *   <li>Event lines {@code TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: PAYLOAD} (flags and a
 *       {@code (TGID)} column optional) of the DMA events are parsed; other events
 *       ({@code tracing_mark_write}, scheduler events, ...) are counted and skipped. CPUs may
 *       interleave.</li>
 *   <li>A line that names a DMA event but whose payload does not parse is a
 *       {@link TraceFormatException} {@code file:line: event: what is wrong}.</li>
 *   <li>Comment lines ({@code #}) before the first event are the header; the
 *       {@code # entries-in-buffer/entries-written: A/B} line is read. A comment line between events
 *       marks an excerpt boundary: events are missing there ({@link KernelEvent.Gap}).
 *       {@code # kprobe_profile: NAME HITS MISSES} lines give the probes' missed counts.</li>
 *   <li>{@code CPU:N [LOST M EVENTS]} lines are gaps of M events.</li>
 * </ul>
 */
public final class FtraceReader {
    private static final Pattern EVENT = Pattern.compile(
            "^\\s*(.*?)-(\\d+)\\s+(?:\\(\\s*[-\\d]*\\)\\s+)?\\[(\\d+)\\]\\s+(?:[^\\s:]{4,6}\\s+)?(\\d+\\.\\d+):\\s+([A-Za-z0-9_.]+):(.*)$");
    private static final Pattern ENTRIES = Pattern.compile("^#\\s*entries-in-buffer/entries-written:\\s*(\\d+)/(\\d+)");
    private static final Pattern LOST = Pattern.compile("^\\s*CPU:(\\d+)\\s+\\[LOST\\s+(\\d+)\\s+EVENTS\\]");
    private static final Pattern PROFILE = Pattern.compile("^#\\s*kprobe_profile:\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)\\s*$");

    private final String source;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final Map<String, Long> misses = new LinkedHashMap<>();
    private final Map<String, Deque<Slot>> pendingCalls = new HashMap<>();
    private long entriesInBuffer = -1;
    private long entriesWritten = -1;
    private boolean sawEvent;

    /** An event, or a kprobe entry waiting for its return. */
    private static final class Slot {
        KernelEvent event;
        String function;
        At at;
        Payload args;
        Payload ret;
    }

    private FtraceReader(String source) {
        this.source = source;
    }

    public static KernelTrace read(Path file) {
        try {
            return read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static KernelTrace read(String source, String text) {
        return new FtraceReader(source).parse(text);
    }

    private KernelTrace parse(String text) {
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            line(lines[i], i + 1);
        }
        List<KernelEvent> events = new ArrayList<>();
        for (Slot s : slots) {
            KernelEvent e = s.event != null ? s.event : finishCall(s);
            if (e != null) {
                events.add(e);
            }
        }
        return new KernelTrace(source, events, counts, entriesInBuffer, entriesWritten, misses);
    }

    private void line(String text, int number) {
        String stripped = text.strip();
        if (stripped.isEmpty()) {
            return;
        }
        if (stripped.startsWith("#")) {
            comment(stripped, number);
            return;
        }
        Matcher lost = LOST.matcher(text);
        if (lost.find()) {
            add(new KernelEvent.Gap(new At(number, "", -1, Integer.parseInt(lost.group(1))),
                    "ftrace lost " + lost.group(2) + " events on CPU " + lost.group(1), Long.parseLong(lost.group(2))));
            return;
        }
        Matcher m = EVENT.matcher(text);
        if (!m.matches()) {
            return; // stack traces, function-graph lines, other tracers' output
        }
        sawEvent = true;
        String name = m.group(5);
        counts.merge(name, 1, Integer::sum);
        At at = new At(number, m.group(1).strip(), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        String payload = m.group(6);
        if (NativeEvents.NAMES.contains(name)) {
            add(NativeEvents.parse(name, at, new Payload(source, number, name, payload)));
            return;
        }
        String function = KprobeEvents.function(name);
        if (function != null) {
            probe(name, function, at, payload);
        }
    }

    private void comment(String text, int number) {
        Matcher entries = ENTRIES.matcher(text);
        if (entries.find()) {
            entriesInBuffer = Long.parseLong(entries.group(1));
            entriesWritten = Long.parseLong(entries.group(2));
            return;
        }
        Matcher profile = PROFILE.matcher(text);
        if (profile.find()) {
            misses.put(profile.group(1), Long.parseLong(profile.group(3)));
            return;
        }
        if (text.startsWith("# dmacheck-capture") || !sawEvent) {
            return;
        }
        boolean afterGap = !slots.isEmpty() && slots.get(slots.size() - 1).event instanceof KernelEvent.Gap;
        if (!afterGap) {
            add(new KernelEvent.Gap(new At(number, "", -1, -1), "excerpt boundary '" + text + "'", -1));
        }
    }

    private void probe(String name, String function, At at, String payload) {
        Payload where = new Payload(source, at.line(), name, "");
        Payload args = new Payload(source, at.line(), name, KprobeEvents.arguments(where, payload));
        String key = at.pid() + " " + function;
        if (!name.endsWith(KprobeEvents.RETURN_SUFFIX)) {
            Slot s = new Slot();
            s.function = function;
            s.at = at;
            s.args = args;
            slots.add(s);
            pendingCalls.computeIfAbsent(key, k -> new ArrayDeque<>()).push(s);
            return;
        }
        Deque<Slot> pending = pendingCalls.get(key);
        if (pending != null && !pending.isEmpty()) {
            pending.pop().ret = args; // the innermost open call of this task returns first
        }
    }

    private KernelEvent finishCall(Slot s) {
        if (s.ret == null && KprobeEvents.NEED_RETURN.contains(s.function)) {
            return new KernelEvent.Gap(s.at, "the return of " + s.function + " (line " + s.at.line()
                    + ") was not recorded", 1);
        }
        return KprobeEvents.event(s.function, s.at, s.args, s.ret);
    }

    private void add(KernelEvent e) {
        Slot s = new Slot();
        s.event = e;
        slots.add(s);
    }

}

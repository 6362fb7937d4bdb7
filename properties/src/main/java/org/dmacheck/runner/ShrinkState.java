package org.dmacheck.runner;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmacheck.gen.ChoiceRecord;
import org.dmacheck.gen.ChoiceSequence;
import org.dmacheck.gen.Span;

/**
 * The current best counterexample during shrinking, and the only way to change it: propose a
 * candidate choice list; it is replayed, and kept if it still fails the same way and its recorded
 * choices are shortlex-smaller. Counts evaluations against the budget and caches outcomes.
 *
 * @param <F> what the oracle reports about a failure
 */
final class ShrinkState<F> {

    /** What came of proposing a candidate. */
    enum Verdict {
        /** Still fails the same way and is smaller: it is the new current counterexample. */
        IMPROVED,
        /** Still fails the same way, but replay consumed choices that are not smaller. */
        FAILS_NOT_SMALLER,
        /** Passes, fails differently, was already tried, was not smaller, or the budget is spent. */
        REJECTED
    }

    private final ShrinkOracle<F> oracle;
    private final int budget;
    /** Replays so far, by candidate and by replayed choices; uninteresting ones map to {@link #passed}. */
    private final Map<ChoiceSequence, ShrinkOracle.Evaluation<F>> tried = new HashMap<>();
    private final ShrinkOracle.Evaluation<F> passed = new ShrinkOracle.Evaluation<>(null, null);
    private ChoiceRecord current;
    private F failure;
    private long[] choices;
    private SpanTree tree;
    private int evaluations;
    private int improvements;
    private final Map<String, PassStatistics> passes = new LinkedHashMap<>();

    ShrinkState(ShrinkOracle<F> oracle, ChoiceRecord initial, F initialFailure, int budget) {
        this.oracle = oracle;
        this.budget = budget;
        setCurrent(initial, initialFailure);
    }

    private void setCurrent(ChoiceRecord record, F newFailure) {
        current = record;
        failure = newFailure;
        choices = record.choices().toArray();
        tree = null;
        tried.put(record.choices(), new ShrinkOracle.Evaluation<>(record, newFailure));
    }

    // ---------------------------------------------------------------- reading

    ChoiceRecord current() {
        return current;
    }

    F failure() {
        return failure;
    }

    int length() {
        return choices.length;
    }

    long choice(int index) {
        return choices[index];
    }

    /** A copy of the current choices. */
    long[] choices() {
        return choices.clone();
    }

    List<Span> spans() {
        return current.spans();
    }

    /** Navigation over the current spans (built on first use after each change). */
    SpanTree tree() {
        if (tree == null) {
            tree = new SpanTree(current.spans(), choices.length);
        }
        return tree;
    }

    int evaluations() {
        return evaluations;
    }

    int improvements() {
        return improvements;
    }

    /** Adds a pass run's cost and gains to the per-pass statistics. */
    void account(String pass, int passEvaluations, int passImprovements) {
        passes.merge(pass, new PassStatistics(passEvaluations, passImprovements), PassStatistics::plus);
    }

    Map<String, PassStatistics> passStatistics() {
        return Map.copyOf(passes);
    }

    boolean exhausted() {
        return evaluations >= budget;
    }

    // ---------------------------------------------------------------- proposing

    /** Proposes {@code candidate[0..length)}. */
    Verdict consider(long[] candidate, int length) {
        return consider(candidate, length, false);
    }

    /**
     * Proposes {@code candidate}, keeping it only if it replays to fewer choices than the current
     * counterexample. Deleting passes use this: a deletion that replays to an equally long list is
     * a rewrite, and accepting those can creep down the lexicographic order one unit at a time.
     */
    Verdict considerShorter(long[] candidate) {
        return consider(candidate, candidate.length, true);
    }

    private Verdict consider(long[] candidate, int length, boolean mustShorten) {
        if (ChoiceSequence.compareShortlex(candidate, length, choices, choices.length) >= 0) {
            return Verdict.REJECTED;
        }
        ChoiceSequence sequence = ChoiceSequence.of(candidate, length);
        ShrinkOracle.Evaluation<F> evaluation = tried.get(sequence);
        if (evaluation == null) {
            if (exhausted()) {
                return Verdict.REJECTED;
            }
            evaluations++;
            evaluation = oracle.evaluate(sequence);
            tried.put(sequence, evaluation.interesting() ? evaluation : passed);
            if (evaluation.interesting()) {
                tried.putIfAbsent(evaluation.record().choices(), evaluation);
            }
        }
        if (!evaluation.interesting()) {
            return Verdict.REJECTED;
        }
        ChoiceSequence replayed = evaluation.record().choices();
        boolean smaller = mustShorten ? replayed.length() < choices.length : replayed.compareTo(current.choices()) < 0;
        if (smaller) {
            improvements++;
            setCurrent(evaluation.record(), evaluation.failure());
            return Verdict.IMPROVED;
        }
        return Verdict.FAILS_NOT_SMALLER;
    }

    /** Proposes the whole of {@code candidate}. */
    Verdict consider(long[] candidate) {
        return consider(candidate, candidate.length);
    }

    /** Proposes the current choices with {@code [from, to)} removed; kept only if it replays shorter. */
    Verdict tryDelete(int from, int to) {
        return considerShorter(deleted(choices, from, to));
    }

    /**
     * Proposes the current choices with {@code [from, to)} removed and the choice at {@code at}
     * (before {@code from}) lowered by one, for encodings where a size choice precedes the removed
     * part; kept only if it replays shorter. Does nothing if that choice is already 0.
     */
    boolean tryDeleteDecrementing(int from, int to, int at) {
        if (at < 0 || at >= from || choices[at] == 0) {
            return false;
        }
        long[] candidate = deleted(choices, from, to);
        candidate[at]--;
        return considerShorter(candidate) == Verdict.IMPROVED;
    }

    /** Proposes the current choices with the choice at {@code index} set to {@code value}. */
    boolean trySet(int index, long value) {
        long[] candidate = choices.clone();
        candidate[index] = value;
        return consider(candidate) == Verdict.IMPROVED;
    }

    /**
     * Proposes the current choices with the choice at {@code index} set to {@code value} and
     * {@code (index, zeroTo)} set to 0.
     */
    boolean trySetAndZero(int index, long value, int zeroTo) {
        long[] candidate = choices.clone();
        candidate[index] = value;
        Arrays.fill(candidate, index + 1, zeroTo, 0L);
        return consider(candidate) == Verdict.IMPROVED;
    }

    /** Proposes the current choices with {@code [from, to)} set to 0. */
    boolean tryZero(int from, int to) {
        long[] candidate = choices.clone();
        Arrays.fill(candidate, from, to, 0L);
        return consider(candidate) == Verdict.IMPROVED;
    }

    /** Proposes the current choices with {@code [from, to)} replaced by {@code replacement}. */
    boolean tryReplace(int from, int to, long[] replacement) {
        return consider(replaced(choices, from, to, replacement)) == Verdict.IMPROVED;
    }

    /** As {@link #tryReplace}, kept only if it replays shorter. */
    boolean tryReplaceShorter(int from, int to, long[] replacement) {
        return considerShorter(replaced(choices, from, to, replacement)) == Verdict.IMPROVED;
    }

    /** {@code source} without {@code [from, to)}. */
    static long[] deleted(long[] source, int from, int to) {
        return replaced(source, from, to, new long[0]);
    }

    /** {@code source} with {@code [from, to)} replaced by {@code replacement}. */
    static long[] replaced(long[] source, int from, int to, long[] replacement) {
        long[] out = new long[source.length - (to - from) + replacement.length];
        System.arraycopy(source, 0, out, 0, from);
        System.arraycopy(replacement, 0, out, from, replacement.length);
        System.arraycopy(source, to, out, from + replacement.length, source.length - to);
        return out;
    }
}

package org.dmacheck.gen;

/** Reads choices from a given sequence; past its end every choice is 0, the simplest. */
final class ReplayChoiceSource implements ChoiceSource {

    private final ChoiceSequence choices;

    ReplayChoiceSource(ChoiceSequence choices) {
        this.choices = choices;
    }

    private long at(int position) {
        return position < choices.length() ? choices.get(position) : 0L;
    }

    @Override
    public long uniform(int position, long max) {
        return at(position);
    }

    @Override
    public long favouring(int position, long max, long[] favoured) {
        return at(position);
    }

    @Override
    public long bernoulli(int position, double p) {
        return at(position);
    }

    @Override
    public long weighted(int position, double[] weights) {
        return at(position);
    }

    @Override
    public boolean searching() {
        return false;
    }
}

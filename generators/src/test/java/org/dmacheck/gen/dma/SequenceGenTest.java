package org.dmacheck.gen.dma;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.dmacheck.gen.ChoiceSequence;
import org.dmacheck.gen.ChoiceStream;
import org.dmacheck.spec.driver.Executed;
import org.dmacheck.spec.driver.OpResult;
import org.dmacheck.spec.op.Op;
import org.junit.jupiter.api.Test;

class SequenceGenTest {

    @Test
    void correctProfilesNeverBreakTheContractNorMakeAStepTheDriverSkips() {
        for (DmaProfile profile : DmaProfile.all()) {
            if (profile.misuse()) {
                continue;
            }
            for (long seed = 0; seed < 25; seed++) {
                Runs.Run run = Runs.search(profile, seed);
                assertCorrect(profile + " seed " + seed, run);
            }
        }
    }

    @Test
    void anyChoiceListGivesASequenceOfValidSteps() {
        Random r = new Random(7);
        for (DmaProfile profile : DmaProfile.all()) {
            for (int i = 0; i < 25; i++) {
                ChoiceSequence choices = Runs.randomChoices(r, r.nextInt(500));
                Runs.Run run = Runs.replay(profile, choices);
                if (!profile.misuse()) {
                    assertCorrect(profile + " choices " + choices, run);
                }
            }
        }
    }

    @Test
    void deletingChoicesFromARunStillGivesValidSteps() {
        Random r = new Random(11);
        for (long seed = 0; seed < 25; seed++) {
            Runs.Run run = Runs.search(DmaProfile.MIXED, seed);
            long[] c = run.choices().toArray();
            for (int k = 0; k < 3 && c.length > 8; k++) {
                int from = r.nextInt(c.length - 4);
                int len = 1 + r.nextInt(4);
                long[] cut = new long[c.length - len];
                System.arraycopy(c, 0, cut, 0, from);
                System.arraycopy(c, from + len, cut, from, c.length - from - len);
                assertCorrect("seed " + seed + " cut " + from + "+" + len, Runs.replay(DmaProfile.MIXED,
                        ChoiceSequence.of(cut)));
            }
        }
    }

    @Test
    void theSimplestOneStepSequenceMapsOnePageOfRamForTheFirstDevice() {
        ChoiceStream zeros = ChoiceStream.replaying(ChoiceSequence.empty());
        zeros.draw(DmaGens.platforms(DmaProfile.MIXED));
        long[] choices = new long[zeros.position() + 1];
        choices[zeros.position()] = 1; // "one more step"; every other choice 0
        Runs.Run run = Runs.replay(DmaProfile.MIXED, ChoiceSequence.of(choices));

        assertThat(run.ops().steps()).hasSize(1);
        Op.MapSingle m = (Op.MapSingle) run.ops().step(0);
        assertThat(m.handle()).isEqualTo("m0");
        assertThat(m.dev().name()).isEqualTo("0000:01:00.0");
        assertThat(m.kind()).isEqualTo(Op.MapKind.PHYS);
        assertThat(m.size()).isEqualTo(4096);
        assertThat(m.phys() % 4096).isZero();
        assertThat(m.dir()).isEqualTo(org.dmacheck.spec.platform.Direction.BIDIRECTIONAL);
        assertThat(m.attrs()).isZero();
        // the empty list itself is the empty sequence
        assertThat(Runs.replay(DmaProfile.MIXED, ChoiceSequence.empty()).ops().steps()).isEmpty();
    }

    @Test
    void replayingTheRecordedChoicesReproducesTheSequence() {
        for (DmaProfile profile : DmaProfile.all()) {
            for (long seed = 0; seed < 10; seed++) {
                Runs.Run run = Runs.search(profile, seed);
                Runs.Run again = Runs.replay(profile, run.choices());
                assertThat(again.config()).isEqualTo(run.config());
                assertThat(again.ops().steps()).isEqualTo(run.ops().steps());
            }
        }
    }

    @Test
    void eachProfileGeneratesEveryOperationKindItWeighs() {
        for (DmaProfile profile : DmaProfile.all()) {
            Set<OpKind> seen = EnumSet.noneOf(OpKind.class);
            for (long seed = 0; seed < 150 && seen.size() < profile.opKinds().size(); seed++) {
                Runs.Run run = Runs.search(profile, seed);
                for (Executed e : run.executed()) {
                    seen.add(kindOf(e));
                }
            }
            assertThat(seen).as(profile.name()).containsAll(profile.opKinds());
        }
    }

    @Test
    void theMisuseProfileBreaksTheContractAndTheDriverSaysSo() {
        int misuses = 0;
        Set<String> kinds = new java.util.HashSet<>();
        for (long seed = 0; seed < 60; seed++) {
            for (Executed e : Runs.search(DmaProfile.MISUSE, seed).executed()) {
                if (e.isMisuse()) {
                    misuses++;
                    kinds.add(e.misuse().replaceAll(" of .*", "").replaceAll("0x[0-9a-f]+", "X"));
                }
            }
        }
        assertThat(misuses).isGreaterThan(100);
        assertThat(String.join("\n", kinds)).contains("unmap by address", "unmap", "unmap_sg", "sync", "sync_sg");
    }

    @Test
    void sequencesStopWhenTheTargetHalts() {
        Runs.Run run = Runs.search(DmaProfile.MIXED, 3);
        assertThat(run.ops().size()).isPositive();
        // a target that halts at once yields an empty sequence
        var ops = DmaGens.operations(DmaProfile.MIXED, () -> new DmaModelState() {
            @Override
            public org.dmacheck.spec.platform.Platform platform() {
                return run.platform();
            }

            @Override
            public java.util.Collection<org.dmacheck.spec.driver.Binding> bindings() {
                return List.of();
            }

            @Override
            public Executed execute(Op op) {
                throw new AssertionError("halted target executed " + op);
            }

            @Override
            public boolean halted() {
                return true;
            }
        }).generate(org.dmacheck.gen.ChoiceStream.searching(1));
        assertThat(ops.steps()).isEmpty();
    }

    private static void assertCorrect(String what, Runs.Run run) {
        for (Executed e : run.executed()) {
            assertThat(e.misuse()).as("%s step %d %s", what, e.step(), e.op()).isNull();
            assertThat(e.result()).as("%s step %d %s", what, e.step(), e.op()).isNotInstanceOf(OpResult.Skipped.class);
            assertThat(e.result()).as("%s step %d %s", what, e.step(), e.op()).isNotInstanceOf(OpResult.Threw.class);
        }
    }

    static OpKind kindOf(Executed e) {
        Op op = e.op();
        boolean misuse = e.isMisuse();
        if (op instanceof Op.MapSingle m) {
            return switch (m.kind()) {
                case PHYS -> OpKind.MAP_PHYS;
                case PAGE -> OpKind.MAP_PAGE;
                case RESOURCE -> OpKind.MAP_RESOURCE;
            };
        } else if (op instanceof Op.UnmapSingle u) {
            if (u.addrDelta() != 0) {
                return OpKind.UNMAP_UNKNOWN;
            }
            if (!misuse) {
                return OpKind.UNMAP;
            }
            String m = e.misuse();
            return m.contains("kind") ? OpKind.UNMAP_WRONG_KIND : m.contains("size") ? OpKind.UNMAP_WRONG_SIZE
                    : OpKind.UNMAP_WRONG_DIR;
        } else if (op instanceof Op.UnmapUnknown u) {
            return u.dmaAddr() == MisuseGen.NOWHERE ? OpKind.UNMAP_UNKNOWN : OpKind.DOUBLE_UNMAP;
        } else if (op instanceof Op.MapSg) {
            return OpKind.MAP_SG;
        } else if (op instanceof Op.UnmapSg) {
            return misuse ? OpKind.UNMAP_SG_RETURNED_COUNT : OpKind.UNMAP_SG;
        } else if (op instanceof Op.SyncSingle) {
            return !misuse ? OpKind.SYNC_SINGLE : e.misuse().contains("range") ? OpKind.SYNC_OUTSIDE
                    : OpKind.SYNC_WRONG_DIR;
        } else if (op instanceof Op.SyncSg) {
            return misuse ? OpKind.SYNC_WRONG_DIR : OpKind.SYNC_SG;
        } else if (op instanceof Op.IovaTryAlloc) {
            return OpKind.IOVA_TRY_ALLOC;
        } else if (op instanceof Op.IovaLink) {
            return OpKind.IOVA_LINK;
        } else if (op instanceof Op.IovaSync) {
            return OpKind.IOVA_SYNC;
        } else if (op instanceof Op.IovaUnlink) {
            return OpKind.IOVA_UNLINK;
        } else if (op instanceof Op.IovaDestroy) {
            return OpKind.IOVA_DESTROY;
        } else if (op instanceof Op.IovaFree) {
            return OpKind.IOVA_FREE;
        } else if (op instanceof Op.AllocCoherent) {
            return OpKind.ALLOC_COHERENT;
        } else if (op instanceof Op.FreeCoherent) {
            return OpKind.FREE_COHERENT;
        } else if (op instanceof Op.CpuWrite) {
            return OpKind.CPU_WRITE;
        } else if (op instanceof Op.CpuRead) {
            return OpKind.CPU_READ;
        } else if (op instanceof Op.DeviceWrite) {
            return OpKind.DEVICE_WRITE;
        } else if (op instanceof Op.DeviceRead) {
            return OpKind.DEVICE_READ;
        }
        return OpKind.TICK;
    }
}

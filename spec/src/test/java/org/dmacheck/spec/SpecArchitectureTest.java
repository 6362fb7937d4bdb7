package org.dmacheck.spec;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code spec} is the contract module: it depends on the JDK alone (never on {@code impl},
 * generators or properties, so an alternative engine can be judged by it alone), and its packages
 * form no cycle.
 */
class SpecArchitectureTest {
    private static JavaClasses spec;

    @BeforeAll
    static void importSpec() {
        spec = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.dmacheck.spec");
    }

    @Test
    void specDependsOnlyOnTheJdk() {
        classes().that().resideInAPackage("org.dmacheck.spec..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.dmacheck.spec..")
                .check(spec);
    }

    @Test
    void specDoesNotReachIntoOtherModules() {
        noClasses().that().resideInAPackage("org.dmacheck.spec..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.dmacheck.impl..", "org.dmacheck.gen..", "org.dmacheck.runner..",
                        "org.dmacheck.properties..", "org.dmacheck.cli..", "org.dmacheck.bench..")
                .check(spec);
    }

    @Test
    void specPackagesAreFreeOfCycles() {
        slices().matching("org.dmacheck.spec.(*)..").should().beFreeOfCycles().check(spec);
    }
}

package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** hearth-core's module descriptor: only public API packages exported, nothing but java.base required. */
class ModuleDescriptorTest {
  @Test
  void exportsOnlyPublicApiAndRequiresOnlyJavaBase() throws Exception {
    ModuleDescriptor d;
    Path classes = Path.of(Counter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("dev.hearth.core");
    assertThat(d.exports().stream().filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("dev.hearth", "dev.hearth.model", "dev.hearth.exposition", "dev.hearth.spi");
    // internal only to Hearth's own modules (trusted model constructors), never to users
    assertThat(d.exports().stream().filter(ModuleDescriptor.Exports::isQualified))
        .allSatisfy(e -> {
          assertThat(e.source()).isEqualTo("dev.hearth.internal");
          assertThat(e.targets()).allSatisfy(t -> assertThat(t).startsWith("dev.hearth."));
        });
    assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
        .containsExactly("java.base");
    assertThat(classes.resolve("dev/hearth/internal")).isDirectory(); // exists, yet not exported to users
  }
}

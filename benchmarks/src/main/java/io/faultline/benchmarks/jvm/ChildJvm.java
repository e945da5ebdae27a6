package io.faultline.benchmarks.jvm;

import io.faultline.local.ChildProcess;
import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A main class of this module in a child JVM on this JVM's classpath, so its CPU can be read apart
 * from the driver's (the broker, the pipe).
 */
public final class ChildJvm {
  private ChildJvm() {}

  public static ChildProcess start(
      String name, Class<?> main, List<String> jvmOptions, List<String> args, Path workDir) {
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath());
    command.add(main.getName());
    command.addAll(args);
    return ChildProcess.start(name, command, Map.of(), workDir, workDir.resolve(name + ".log"));
  }

  /**
   * The classpath this module runs on: exec:java's class loader holds it in its URLs; under
   * failsafe it is {@code java.class.path} (a manifest-only jar the child's launcher expands too).
   */
  public static String classpath() {
    Set<String> entries = new LinkedHashSet<>();
    for (ClassLoader loader = ChildJvm.class.getClassLoader();
        loader != null;
        loader = loader.getParent()) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          try {
            entries.add(new File(url.toURI()).getPath());
          } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot use classpath entry " + url, e);
          }
        }
      }
    }
    if (entries.isEmpty() || System.getProperty("java.class.path").contains("surefirebooter")) {
      return System.getProperty("java.class.path");
    }
    return String.join(File.pathSeparator, entries);
  }
}

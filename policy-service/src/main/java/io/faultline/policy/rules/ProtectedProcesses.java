package io.faultline.policy.rules;

import io.faultline.events.catalogue.FaultParameters;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a process fault's {@code PROCESS_NAMES} names a process the tenant protects (pure). An
 * exact name is compared as the host compares it, on its first 15 characters (a process name's
 * length on Linux); a pattern ({@code PROCESS_MATCH=pattern}) is refused when it is found in a
 * protected name. What resolves only on the host (a pattern matching a command line but not the
 * name, a PID) is refused there: the approval's protected names reach the document.
 */
final class ProtectedProcesses {
  private static final int COMM_LENGTH = 15;

  private ProtectedProcesses() {}

  /** Why the request names a protected process, or empty when it names none. */
  static Optional<String> refusal(FaultParameters parameters, List<String> protectedNames) {
    String names = parameters.text("PROCESS_NAMES").orElse("");
    if (names.isEmpty() || protectedNames.isEmpty()) {
      return Optional.empty();
    }
    boolean pattern = parameters.text("PROCESS_MATCH").filter("pattern"::equals).isPresent();
    for (String name : Arrays.asList(names.split(","))) {
      for (String guarded : protectedNames) {
        if (pattern ? found(name, guarded) : comm(name).equals(comm(guarded))) {
          return Optional.of(
              "PROCESS_NAMES "
                  + (pattern ? "pattern '" : "'")
                  + name
                  + "' "
                  + (pattern ? "matches" : "names")
                  + " protected process '"
                  + guarded
                  + "' (protectedTargets.processNames)");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean found(String pattern, String name) {
    try {
      return Pattern.compile(pattern).matcher(name).find();
    } catch (PatternSyntaxException e) {
      // Not a pattern the host can use either: the executor refuses it before any command.
      return false;
    }
  }

  private static String comm(String name) {
    return name.length() > COMM_LENGTH ? name.substring(0, COMM_LENGTH) : name;
  }
}

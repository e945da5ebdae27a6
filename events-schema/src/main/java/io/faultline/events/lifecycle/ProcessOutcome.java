package io.faultline.events.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a process fault did to one process on one target, from the document's {@code
 * FAULTLINE_RESULT pid=… name=… signal=… outcome=…} line.
 *
 * @param pid the process id on the host
 * @param name the process's name ({@code comm}, at most 15 characters, characters outside {@code
 *     [A-Za-z0-9._:@+/-]} shown as {@code _}); absent when the process was not found
 * @param signal {@code TERM} or {@code KILL}
 * @param outcome {@code killed}, {@code survived} (still running after 5 s), {@code not-found},
 *     {@code refused} (never signalled) or {@code failed}
 * @param reason why a process was refused: {@code init}, {@code ssm-agent}, {@code self}, {@code
 *     protected} or {@code name-refused}; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProcessOutcome(long pid, String name, String signal, String outcome, String reason) {
  /** The outcomes a document reports. */
  public static final Set<String> OUTCOMES =
      Set.of("killed", "survived", "not-found", "refused", "failed");

  /** The reasons a process is refused. */
  public static final Set<String> REASONS =
      Set.of("init", "ssm-agent", "self", "protected", "name-refused");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@+/-]{1,15}");

  public ProcessOutcome {
    if (pid < 1) {
      throw new IllegalArgumentException("pid must be at least 1, got " + pid);
    }
    if (name != null && !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must match " + NAME + ", got '" + name + "'");
    }
    if (!"TERM".equals(signal) && !"KILL".equals(signal)) {
      throw new IllegalArgumentException("signal must be TERM or KILL, got '" + signal + "'");
    }
    Objects.requireNonNull(outcome, "outcome");
    if (!OUTCOMES.contains(outcome)) {
      throw new IllegalArgumentException("outcome must be one of " + OUTCOMES + ", got " + outcome);
    }
    if (reason != null && !REASONS.contains(reason)) {
      throw new IllegalArgumentException("reason must be one of " + REASONS + ", got " + reason);
    }
  }
}

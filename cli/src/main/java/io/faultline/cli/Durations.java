package io.faultline.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations on the command line: {@code 30m}, {@code 90s}, {@code 1h30m}, {@code 500ms}, ISO. */
public final class Durations implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern SHORT =
      Pattern.compile("^((\\d+)h)?((\\d+)m(?!s))?((\\d+)s)?((\\d+)ms)?$");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    if (value == null || value.isBlank()) {
      throw new CommandLine.TypeConversionException("a duration is required, e.g. 30m");
    }
    Matcher m = SHORT.matcher(value.trim());
    Duration duration;
    if (m.matches() && !value.isBlank()) {
      duration =
          Duration.ofHours(number(m.group(2)))
              .plusMinutes(number(m.group(4)))
              .plusSeconds(number(m.group(6)))
              .plusMillis(number(m.group(8)));
    } else {
      try {
        duration = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration (rule: format; e.g. 30m, 90s, 1h30m, 500ms, PT30M)");
      }
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' must be longer than zero (rule: positive)");
    }
    return duration;
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }

  /** {@code 1h30m}, {@code 45s}, {@code 250ms}: how the CLI prints a duration. */
  public static String text(Duration duration) {
    if (duration.toMillis() < 1000) {
      return duration.toMillis() + "ms";
    }
    StringBuilder out = new StringBuilder();
    if (duration.toHours() > 0) {
      out.append(duration.toHours()).append('h');
    }
    if (duration.toMinutesPart() > 0) {
      out.append(duration.toMinutesPart()).append('m');
    }
    if (duration.toSecondsPart() > 0 || out.isEmpty()) {
      out.append(duration.toSecondsPart()).append('s');
    }
    return out.toString();
  }
}

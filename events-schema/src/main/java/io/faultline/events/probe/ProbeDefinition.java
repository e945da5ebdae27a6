package io.faultline.events.probe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One probe of an experiment, canonical (validated, defaults applied). Its JSON is flat with {@code
 * type} as discriminator, e.g. {@code {"name":"errors","type":"cloudwatch-alarm",
 * "alarmName":"api-5xx","accountId":"123456789012","region":"eu-west-1"}}; reading JSON goes
 * through {@link ProbeCatalogue#validate}, so no invalid probe binds.
 *
 * @param name unique within its list of an experiment, {@value #NAME_PATTERN}
 * @param intervalSeconds how often it is read, 1..3600 (default 10)
 * @param tolerance consecutive failing readings tolerated before the probe counts as failed, 0..100
 *     (default 0: the first failing reading counts)
 */
public record ProbeDefinition(
    String name, ProbeType type, int intervalSeconds, int tolerance, ProbeSettings settings) {
  public static final String NAME_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}$";
  public static final int DEFAULT_INTERVAL_SECONDS = 10;
  public static final int DEFAULT_TOLERANCE = 0;

  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

  public ProbeDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(settings, "settings");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name '" + name + "' must match " + NAME_PATTERN);
    }
    if (settings.type() != type) {
      throw new IllegalArgumentException(type + " probe with " + settings.type() + " settings");
    }
    if (intervalSeconds < 1 || intervalSeconds > 3600) {
      throw new IllegalArgumentException("intervalSeconds must be 1..3600");
    }
    if (tolerance < 0 || tolerance > 100) {
      throw new IllegalArgumentException("tolerance must be 0..100");
    }
  }

  /** A probe with the default interval and tolerance. */
  public static ProbeDefinition of(String name, ProbeSettings settings) {
    return new ProbeDefinition(
        name, settings.type(), DEFAULT_INTERVAL_SECONDS, DEFAULT_TOLERANCE, settings);
  }

  public ProbeDefinition withInterval(int seconds) {
    return new ProbeDefinition(name, type, seconds, tolerance, settings);
  }

  public ProbeDefinition withTolerance(int readings) {
    return new ProbeDefinition(name, type, intervalSeconds, readings, settings);
  }

  /** The settings as their record type; throws when this probe is of another type. */
  public <S extends ProbeSettings> S settingsAs(Class<S> settingsType) {
    return settingsType.cast(settings);
  }

  /** The flat JSON object (Jackson 2 and 3 both write it through this). */
  @JsonValue
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("type", type.wireName());
    json.put("intervalSeconds", intervalSeconds);
    json.put("tolerance", tolerance);
    json.putAll(settings.fields());
    return Collections.unmodifiableMap(json);
  }

  /**
   * Reads the flat JSON object, validated by the standard catalogue.
   *
   * @throws io.faultline.events.validation.ContractViolationException naming every broken rule
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ProbeDefinition fromJson(Map<String, Object> json) {
    return ProbeCatalogue.standard().validate(json);
  }
}

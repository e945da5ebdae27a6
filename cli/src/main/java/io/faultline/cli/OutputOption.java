package io.faultline.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json}. */
public final class OutputOption {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "text|json",
      converter = OutputFormatConverter.class,
      defaultValue = "text",
      description = "text (default) or json: one JSON object per line.")
  OutputFormat format;

  public OutputFormat format() {
    return format;
  }

  static final class OutputFormatConverter
      implements picocli.CommandLine.ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      try {
        return OutputFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}

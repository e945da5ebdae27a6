package io.faultline.benchmarks.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * A figure's result: a title, column names and rows, printed as a Markdown table so it can be
 * pasted into the README as it is.
 */
public record Table(String title, List<String> columns, List<List<String>> rows) {
  public Table {
    rows = List.copyOf(rows);
    columns = List.copyOf(columns);
  }

  public static Builder titled(String title, String... columns) {
    return new Builder(title, List.of(columns));
  }

  public String markdown() {
    StringBuilder out = new StringBuilder("### ").append(title).append("\n\n");
    out.append("| ").append(String.join(" | ", columns)).append(" |\n");
    out.append("|").append("---|".repeat(columns.size())).append("\n");
    for (List<String> row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return out.toString();
  }

  static String ms(double value) {
    return Double.isNaN(value) ? "-" : String.format("%.1f", value);
  }

  /** Rows added one by one. */
  public static final class Builder {
    private final String title;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    private Builder(String title, List<String> columns) {
      this.title = title;
      this.columns = columns;
    }

    public Builder row(Object... cells) {
      if (cells.length != columns.size()) {
        throw new IllegalArgumentException(
            "a row of " + title + " needs " + columns.size() + " cells, got " + cells.length);
      }
      rows.add(java.util.Arrays.stream(cells).map(String::valueOf).toList());
      return this;
    }

    public Table build() {
      return new Table(title, columns, rows);
    }
  }
}

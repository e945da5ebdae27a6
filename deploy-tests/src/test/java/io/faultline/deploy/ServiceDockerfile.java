package io.faultline.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code deploy/docker/Dockerfile}'s run stage (the last {@code FROM}) declares: base image,
 * environment, exposed ports, user and entrypoint. Continuation lines are joined; only the
 * instructions the file uses are read.
 */
record ServiceDockerfile(
    String runBase,
    String buildBase,
    Map<String, String> environment,
    List<String> exposed,
    String user,
    List<String> entrypoint,
    String buildCommand) {
  static final String PATH = "deploy/docker/Dockerfile";
  private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\\S+)");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  static ServiceDockerfile read() {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Repository.read(PATH).split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      instructions.add(current.append(trimmed).toString());
      current.setLength(0);
    }
    List<String> froms = instructions.stream().filter(i -> i.startsWith("FROM ")).toList();
    if (froms.size() != 2) {
      throw new AssertionError(PATH + " should have a build stage and a run stage: " + froms);
    }
    List<String> runStage =
        instructions.subList(instructions.indexOf(froms.get(1)), instructions.size());
    Map<String, String> environment = new LinkedHashMap<>();
    List<String> exposed = new ArrayList<>();
    String user = null;
    List<String> entrypoint = new ArrayList<>();
    for (String instruction : runStage) {
      String argument = instruction.substring(instruction.indexOf(' ') + 1).strip();
      switch (instruction.substring(0, instruction.indexOf(' '))) {
        case "ENV" -> {
          Matcher m = ENV_PAIR.matcher(argument);
          while (m.find()) {
            environment.put(m.group(1), m.group(2));
          }
        }
        case "EXPOSE" -> exposed.addAll(List.of(argument.split("\\s+")));
        case "USER" -> user = argument;
        case "ENTRYPOINT" -> {
          Matcher m = QUOTED.matcher(argument);
          while (m.find()) {
            entrypoint.add(m.group(1));
          }
        }
        default -> {}
      }
    }
    String build =
        instructions.stream()
            .filter(i -> i.startsWith("RUN ") && i.contains("./mvnw"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(PATH + " builds nothing with ./mvnw"));
    return new ServiceDockerfile(
        froms.get(1).substring(5).strip(),
        froms.get(0).substring(5).split("\\s+")[0],
        environment,
        exposed,
        user,
        entrypoint,
        build);
  }
}

package io.faultline.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * What a service's image declares, read from the poms as Maven would build it with {@code
 * -Pimages}: the parent's {@code images} profile (Jib's configuration) with the properties of both
 * poms' {@code images} profiles resolved.
 */
record JibImage(
    String service,
    String baseImage,
    String mainClass,
    List<String> jvmFlags,
    List<Integer> ports,
    Map<String, String> environment,
    String user,
    Map<String, String> labels,
    String image) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

  static JibImage of(String service) {
    Element parent = pom(Repository.path("pom.xml"));
    Element module = pom(Repository.path(service + "/pom.xml"));
    Element parentProfile = profile(parent, "images");
    Element moduleProfile = profile(module, "images");
    if (moduleProfile == null
        || child(child(child(moduleProfile, "build"), "plugins"), "plugin") == null) {
      throw new AssertionError(service + "'s pom has no `images` profile using jib-maven-plugin");
    }

    Map<String, String> properties = new LinkedHashMap<>();
    properties.putAll(properties(child(parent, "properties")));
    properties.putAll(properties(child(parentProfile, "properties")));
    properties.putAll(properties(child(module, "properties")));
    properties.putAll(properties(child(moduleProfile, "properties")));
    properties.put("project.version", text(child(parent, "version")));
    properties.put("project.artifactId", text(child(module, "artifactId")));
    properties.put("project.name", text(child(module, "name")));

    Element jib =
        children(
                child(child(child(parentProfile, "build"), "pluginManagement"), "plugins"),
                "plugin")
            .stream()
            .filter(p -> "jib-maven-plugin".equals(text(child(p, "artifactId"))))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no jib-maven-plugin in the parent's images profile"));
    if (!properties.get("jib-maven-plugin.version").equals("3.4.6")) {
      throw new AssertionError("jib-maven-plugin should be the version proven here (3.4.6)");
    }
    Element configuration = child(jib, "configuration");
    Element container = child(configuration, "container");

    return new JibImage(
        service,
        resolve(text(child(child(configuration, "from"), "image")), properties),
        resolve(text(child(container, "mainClass")), properties),
        children(child(container, "jvmFlags"), "jvmFlag").stream()
            .map(e -> resolve(text(e), properties))
            .toList(),
        children(child(container, "ports"), "port").stream()
            .map(e -> Integer.valueOf(resolve(text(e), properties)))
            .toList(),
        resolved(properties(child(container, "environment")), properties),
        resolve(text(child(container, "user")), properties),
        resolved(properties(child(container, "labels")), properties),
        resolve(text(child(child(configuration, "to"), "image")), properties));
  }

  /** The container's user id ({@code uid:gid} or {@code uid}). */
  int uid() {
    return Integer.parseInt(user.split(":")[0]);
  }

  int gid() {
    String[] parts = user.split(":");
    return Integer.parseInt(parts[parts.length - 1]);
  }

  private static Map<String, String> resolved(
      Map<String, String> raw, Map<String, String> properties) {
    Map<String, String> resolved = new LinkedHashMap<>();
    raw.forEach((k, v) -> resolved.put(k, resolve(v, properties)));
    return resolved;
  }

  static String resolve(String value, Map<String, String> properties) {
    String current = value;
    for (int depth = 0; depth < 10; depth++) {
      Matcher m = PLACEHOLDER.matcher(current);
      if (!m.find()) {
        return current;
      }
      StringBuilder out = new StringBuilder();
      m.reset();
      while (m.find()) {
        String replacement = properties.get(m.group(1));
        if (replacement == null) {
          throw new AssertionError("unresolved ${" + m.group(1) + "} in " + value);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(out);
      current = out.toString();
    }
    throw new AssertionError("placeholders nest too deep: " + value);
  }

  private static Element pom(Path file) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document document = factory.newDocumentBuilder().parse(file.toFile());
      return document.getDocumentElement();
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  private static Element profile(Element pom, String id) {
    return children(child(pom, "profiles"), "profile").stream()
        .filter(p -> id.equals(text(child(p, "id"))))
        .findFirst()
        .orElse(null);
  }

  private static Map<String, String> properties(Element parent) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (Element e : children(parent, null)) {
      properties.put(e.getTagName(), text(e));
    }
    return properties;
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.getFirst();
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent == null) {
      return found;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (name == null || name.equals(e.getTagName()))) {
        found.add(e);
      }
    }
    return found;
  }

  private static String text(Element e) {
    return e == null ? null : e.getTextContent().trim();
  }
}

package dev.hearth.pushgateway;

import dev.hearth.CollectorRegistry;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Pushes a registry to a Prometheus Pushgateway, for batch jobs that do not live long enough to
 * be scraped.
 *
 * <pre>{@code
 * PushGateway pg = PushGateway.builder().address("pushgateway:9091").job("nightly_backup").build();
 * pg.push(registry);                                              // PUT: replaces the group
 * pg.pushAdd(registry, "nightly_backup", Map.of("instance", "db1")); // POST: replaces same names only
 * pg.delete();                                                     // DELETE: removes the group
 * }</pre>
 *
 * <p>A group is identified by the job and the grouping key (label name to value). Values that
 * are empty or not plain URL-safe text (for example containing {@code /}) are sent in the
 * Pushgateway's {@code @base64} form (URL-safe base64). The body is Prometheus text 0.0.4 (the
 * Pushgateway rejects OpenMetrics exemplars). A non-2xx answer raises an {@link IOException}
 * carrying the HTTP status and the Pushgateway's message.
 *
 * <p>Uses {@link HttpURLConnection}: no threads are left behind. Thread-safe.
 */
public final class PushGateway {
  private final String base; // scheme://host:port[/prefix], no trailing slash
  private final String job;
  private final String authorization; // null: none
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;

  private PushGateway(Builder b) {
    this.base = b.base;
    this.job = b.job;
    this.authorization = b.authorization;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis());
    this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, b.readTimeout.toMillis());
  }

  /** A builder; the address defaults to {@code localhost:9091}. */
  public static Builder builder() {
    return new Builder();
  }

  /** PUT: replaces every metric of the builder's job group (no grouping key) with the registry's. */
  public void push(CollectorRegistry registry) throws IOException {
    push(registry, defaultJob(), Map.of());
  }

  /** PUT: replaces every metric of the group {@code job} + {@code groupingKey} with the registry's. */
  public void push(CollectorRegistry registry, String job, Map<String, String> groupingKey)
      throws IOException {
    send("PUT", job, groupingKey, Objects.requireNonNull(registry, "registry"));
  }

  /** POST: replaces only the metrics of the builder's job group that the registry has names for. */
  public void pushAdd(CollectorRegistry registry) throws IOException {
    pushAdd(registry, defaultJob(), Map.of());
  }

  /** POST: replaces only the metrics of the group that have the same names as the registry's. */
  public void pushAdd(CollectorRegistry registry, String job, Map<String, String> groupingKey)
      throws IOException {
    send("POST", job, groupingKey, Objects.requireNonNull(registry, "registry"));
  }

  /** DELETE: removes the builder's job group (no grouping key). */
  public void delete() throws IOException {
    delete(defaultJob(), Map.of());
  }

  /** DELETE: removes the group {@code job} + {@code groupingKey} (the key must match exactly). */
  public void delete(String job, Map<String, String> groupingKey) throws IOException {
    send("DELETE", job, groupingKey, null);
  }

  private String defaultJob() {
    if (job == null) {
      throw new IllegalStateException("job not set: call Builder.job(String) or pass the job");
    }
    return job;
  }

  /** The group's URL: {@code <base>/metrics/job/<job>{/<label>/<value>}}. */
  String groupUrl(String job, Map<String, String> groupingKey) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(groupingKey, "groupingKey");
    if (job.isEmpty()) {
      throw new IllegalArgumentException("job must not be empty");
    }
    StringBuilder sb = new StringBuilder(base).append("/metrics");
    segment(sb, "job", job);
    for (Map.Entry<String, String> e : new TreeMap<>(groupingKey).entrySet()) {
      String name = e.getKey();
      if (!isLabelName(name)) {
        throw new IllegalArgumentException("grouping key label name \"" + name
            + "\" is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)");
      }
      if (name.equals("job")) {
        throw new IllegalArgumentException("the grouping key must not contain \"job\"; pass it as the job");
      }
      segment(sb, name, Objects.requireNonNull(e.getValue(), "grouping key value of " + name));
    }
    return sb.toString();
  }

  private static void segment(StringBuilder sb, String name, String value) {
    if (isPlain(value)) {
      sb.append('/').append(name).append('/').append(value);
    } else if (value.isEmpty()) {
      sb.append('/').append(name).append("@base64/="); // the Pushgateway's form of ""
    } else {
      sb.append('/').append(name).append("@base64/")
          .append(Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** Non-empty unreserved URL characters only, and not a dot segment. */
  private static boolean isPlain(String v) {
    if (v.isEmpty() || v.equals(".") || v.equals("..")) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLabelName(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
          || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private void send(String method, String job, Map<String, String> groupingKey,
      CollectorRegistry registry) throws IOException {
    String url = groupUrl(job, groupingKey);
    byte[] body = null;
    if (registry != null) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      Exposition.write(out, registry, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
      body = out.toByteArray();
    }
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      c.setRequestMethod(method);
      c.setConnectTimeout(connectTimeoutMillis);
      c.setReadTimeout(readTimeoutMillis);
      c.setUseCaches(false);
      c.setInstanceFollowRedirects(false);
      if (authorization != null) {
        c.setRequestProperty("Authorization", authorization);
      }
      if (body != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", ExpositionFormat.PROMETHEUS_TEXT_0_0_4.contentType());
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
      }
      int status = c.getResponseCode();
      if (status / 100 != 2) {
        String message = readLimited(c.getErrorStream());
        throw new IOException("Pushgateway answered " + status + " to " + method + " " + url
            + (message.isEmpty() ? "" : ": " + message));
      }
      readLimited(c.getInputStream());
    } finally {
      c.disconnect();
    }
  }

  /** Up to 4 KiB of a response body as trimmed UTF-8 text; empty when there is none. */
  private static String readLimited(InputStream in) throws IOException {
    if (in == null) {
      return "";
    }
    try (in) {
      byte[] b = in.readNBytes(4096);
      return new String(b, StandardCharsets.UTF_8).trim();
    }
  }

  /** Configures a {@link PushGateway}. */
  public static final class Builder {
    private String base = "http://localhost:9091";
    private String job;
    private String authorization;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * The Pushgateway: {@code host:port}, or a URL {@code http(s)://host:port[/path-prefix]}
     * (default {@code localhost:9091}).
     */
    public Builder address(String address) {
      Objects.requireNonNull(address, "address");
      String a = address.trim();
      if (!a.contains("://")) {
        a = "http://" + a;
      }
      while (a.endsWith("/")) {
        a = a.substring(0, a.length() - 1);
      }
      try {
        URI u = new URI(a);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
            || u.getRawQuery() != null || u.getRawFragment() != null) {
          throw new IllegalArgumentException("bad Pushgateway address \"" + address
              + "\": expected host:port or http(s)://host:port[/prefix]");
        }
        u.toURL();
      } catch (URISyntaxException | MalformedURLException e) {
        throw new IllegalArgumentException("bad Pushgateway address \"" + address + "\": "
            + e.getMessage(), e);
      }
      this.base = a;
      return this;
    }

    /** The job used by {@code push(registry)}, {@code pushAdd(registry)} and {@code delete()}. */
    public Builder job(String job) {
      Objects.requireNonNull(job, "job");
      if (job.isEmpty()) {
        throw new IllegalArgumentException("job must not be empty");
      }
      this.job = job;
      return this;
    }

    /** Sends HTTP Basic credentials with every request. */
    public Builder basicAuth(String username, String password) {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.indexOf(':') >= 0) {
        throw new IllegalArgumentException("a Basic auth username must not contain ':'");
      }
      this.authorization = "Basic " + Base64.getEncoder()
          .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** The connect timeout (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** The read timeout, for the gateway's answer (default 10 s). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }

    /** The client. */
    public PushGateway build() {
      return new PushGateway(this);
    }
  }
}

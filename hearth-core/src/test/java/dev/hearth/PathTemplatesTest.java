package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.testing.RandomCases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathTemplatesTest {
  private static final PathTemplates DEFAULTS = PathTemplates.defaults();
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      /                                                                   | /
      /users/12345                                                        | /users/{id}
      /users/12345/                                                       | /users/{id}/
      /users/me                                                           | /users/me
      /api/v1/users/42/orders/9001                                        | /api/v1/users/{id}/orders/{id}
      /api/v2/orders/550e8400-e29b-41d4-a716-446655440000                 | /api/v2/orders/{uuid}
      /api/v2/orders/550E8400-E29B-41D4-A716-446655440000/items           | /api/v2/orders/{uuid}/items
      /api/v2/orders/550e8400e29b41d4a716446655440000                     | /api/v2/orders/{hash}
      /repos/octocat/Hello-World/pulls/1347                               | /repos/octocat/Hello-World/pulls/{id}
      /repos/octocat/Hello-World/issues/1347/comments?page=2&per_page=100 | /repos/octocat/Hello-World/issues/{id}/comments
      /repos/octocat/Hello-World/commits/3f786850e387550fdab836ed7e6dc881de23001b | /repos/octocat/Hello-World/commits/{hash}
      /octocat/Hello-World/blob/main/README.md                            | /octocat/Hello-World/blob/main/README.md
      /octocat/Hello-World/tree/a1b2c3d4e5f6/src/main.c                   | /octocat/Hello-World/tree/{hash}/src/main.c
      /octocat/Hello-World/commit/1a2b3c4                                 | /octocat/Hello-World/commit/1a2b3c4
      /octocat/Hello-World/releases/tag/v2.3.1                            | /octocat/Hello-World/releases/tag/v2.3.1
      /api/items/507f1f77bcf86cd799439011                                 | /api/items/{hash}
      /api/items/deadbeef                                                 | /api/items/deadbeef
      /users/jane.doe@example.com/profile                                 | /users/{email}/profile
      /users/jane.doe%40example.co.uk                                     | /users/{email}
      /newsletter/unsubscribe/o'brien+news@mail.example.org               | /newsletter/unsubscribe/{email}
      /newsletter/unsubscribe/obrien+news@mail.example.org                | /newsletter/unsubscribe/{email}
      /mentions/@octocat                                                  | /mentions/@octocat
      /reports/2024-01-31                                                 | /reports/{date}
      /reports/2024-01-31/summary.pdf                                     | /reports/{date}/summary.pdf
      /events/2024-01-31T10:15:30Z                                        | /events/{date}
      /events/2024-01-31T10%3A15%3A30.123%2B01%3A00                       | /events/{date}
      /events/2024-01-31T10:15:30Z.json                                   | /events/2024-01-31T10:15:30Z.json
      /events/2024-01-31T10%3A15%3A30.123Z                                | /events/{date}
      /blog/2024/01/31/hello-world                                        | /blog/{id}/{id}/{id}/hello-world
      /reset-password/dGhpcyBpcyBhIHNlY3JldCB0b2tlbg==                    | /reset-password/{token}
      /invite/Xk9_aZ3-pQ7rT2mW                                            | /invite/{token}
      /invite/Xk9_aZ3-pQ7rT2m                                             | /invite/Xk9_aZ3-pQ7rT2m
      /v1/customers/cus_NffrFeUfNV2Hib/sources                            | /v1/customers/{token}/sources
      /v1/accounts/acct_1Nv0FGQ9RKHgCVdK/charges                          | /v1/accounts/{token}/charges
      /oauth/callback/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9                | /oauth/callback/{token}
      /my-bucket/photos/2023/07/IMG_1234.JPG                              | /my-bucket/photos/{id}/{id}/IMG_1234.JPG
      /my-bucket/logs/2024-01-31/app-server-01.log.gz                     | /my-bucket/logs/{date}/app-server-01.log.gz
      /my-bucket/uploads/ab/cd/abcdef0123456789abcdef0123456789           | /my-bucket/uploads/ab/cd/{hash}
      /my-bucket/exports/report%20final%202024.csv                        | /my-bucket/exports/report%20final%202024.csv
      /static/css/main.css                                                | /static/css/main.css
      /static/js/app.3f2a9c1b.js                                          | /static/js/app.3f2a9c1b.js
      /assets/fonts/Inter-Regular.woff2                                   | /assets/fonts/Inter-Regular.woff2
      /favicon.ico                                                        | /favicon.ico
      /robots.txt                                                         | /robots.txt
      /health                                                             | /health
      /healthz?verbose                                                    | /healthz
      /actuator/health/liveness                                           | /actuator/health/liveness
      /metrics                                                            | /metrics
      /.well-known/openid-configuration                                   | /.well-known/openid-configuration
      /search?q=shoes&page=3                                              | /search
      /docs/getting-started#install                                       | /docs/getting-started
      /?utm_source=newsletter                                             | /
      /api//users///7                                                     | /api/users/{id}
      //users/7//                                                         | /users/{id}/
      users/7                                                             | /users/{id}
      /users/%7Bid%7D                                                     | /users/%7Bid%7D
      /wiki/this-is-a-very-long-human-readable-article-slug-about-cardinality-control | /wiki/{opaque}
      """)
  void normalizesRealLookingPaths(String path, String expected) {
    assertThat(DEFAULTS.normalize(path)).isEqualTo(expected);
  }

  @Test
  void edgeCases() {
    for (String root : new String[] {null, "", "/", "//", "///", "?", "#", "?a=1#b", "#/users/1", "/?"}) {
      assertThat(DEFAULTS.normalize(root)).as("%s", root).isEqualTo("/");
    }
    assertThat(DEFAULTS.normalize("x")).isEqualTo("/x");
    assertThat(DEFAULTS.normalize("/a?b/1#c")).isEqualTo("/a");
    assertThat(DEFAULTS.normalize("/a#b?c")).isEqualTo("/a");
    assertThat(DEFAULTS.normalize("/a/./../1")).isEqualTo("/a/./../{id}");
    assertThat(DEFAULTS.normalize("/é/日本/123")).isEqualTo("/é/日本/{id}");
    assertThat(DEFAULTS.normalize("/" + "x".repeat(64))).isEqualTo("/" + "x".repeat(64));
    assertThat(DEFAULTS.normalize("/" + "x".repeat(65))).isEqualTo("/{opaque}");
  }

  @Test
  void theRuleListIsDocumentedInOrder() {
    List<PathTemplates.Rule> rules = DEFAULTS.rules();
    assertThat(rules).extracting(PathTemplates.Rule::name)
        .containsExactly("uuid", "id", "date", "email", "hash", "token", "opaque");
    assertThat(rules).allSatisfy(rule -> {
      assertThat(rule.replacement()).isEqualTo("{" + rule.name() + "}");
      assertThat(rule.description()).isNotBlank();
    });
    assertThat(PathTemplates.builder().route("/a").build().rules()).isEqualTo(rules);
    assertThatThrownBy(() -> rules.add(rules.get(0))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theFirstMatchingRuleWins() {
    // a UUID is also token-shaped; 8+ digits are also hex; a date-time is also token-shaped
    assertThat(DEFAULTS.normalize("/123e4567-e89b-12d3-a456-426614174000")).isEqualTo("/{uuid}");
    assertThat(DEFAULTS.normalize("/12345678901234567890")).isEqualTo("/{id}");
    assertThat(DEFAULTS.normalize("/2024-01-31T101530Z")).isEqualTo("/{date}");
    assertThat(DEFAULTS.normalize("/0123456789abcdef0123")).isEqualTo("/{hash}");
    assertThat(DEFAULTS.normalize("/0123456789abcdefg123")).isEqualTo("/{token}");
    assertThat(DEFAULTS.normalize("/" + "9".repeat(100))).isEqualTo("/{id}");
    assertThat(DEFAULTS.normalize("/" + "ab12".repeat(20))).isEqualTo("/{hash}");
    assertThat(DEFAULTS.normalize("/a" + "b".repeat(70) + "@example.com")).isEqualTo("/{email}");
  }

  @Test
  void ruleBoundaries() {
    assertThat(DEFAULTS.normalize("/0")).isEqualTo("/{id}");
    assertThat(DEFAULTS.normalize("/abcdef1")).isEqualTo("/abcdef1");         // 7 hex
    assertThat(DEFAULTS.normalize("/abcdef12")).isEqualTo("/{hash}");         // 8 hex
    assertThat(DEFAULTS.normalize("/abcdefab")).isEqualTo("/abcdefab");       // no digit
    assertThat(DEFAULTS.normalize("/abcdefghijklmn15")).isEqualTo("/{token}"); // 16
    assertThat(DEFAULTS.normalize("/abcdefghijklm15")).isEqualTo("/abcdefghijklm15");
    assertThat(DEFAULTS.normalize("/abcdefghijklmnopqrstuvwxyz")).isEqualTo("/abcdefghijklmnopqrstuvwxyz");
    assertThat(DEFAULTS.normalize("/2024-1-31")).isEqualTo("/2024-1-31");
    assertThat(DEFAULTS.normalize("/2024-01-31x")).isEqualTo("/2024-01-31x");
    assertThat(DEFAULTS.normalize("/a@b")).isEqualTo("/a@b");
    assertThat(DEFAULTS.normalize("/a@b.")).isEqualTo("/a@b.");
    assertThat(DEFAULTS.normalize("/a@.b")).isEqualTo("/a@.b");
    assertThat(DEFAULTS.normalize("/%40b.com")).isEqualTo("/%40b.com");
    assertThat(DEFAULTS.normalize("/a@b@c.com")).isEqualTo("/a@b@c.com");
    assertThat(DEFAULTS.normalize("/550e8400-e29b-41d4-a716-44665544000g")).isEqualTo("/{token}");
  }

  @Test
  void aPathThatIsAlreadyNormalIsReturnedAsIs() {
    for (String path : new String[] {"/health", "/users/{id}/orders", "/a/b/", "/static/app.css"}) {
      assertThat(DEFAULTS.normalize(path)).isSameAs(path);
    }
    assertThat(DEFAULTS.normalize("/health?full")).isEqualTo("/health");
  }

  // ---------------------------------------------------------------- routes

  @Test
  void routesTakePrecedenceAndReturnThePatternAsGiven() {
    PathTemplates paths = PathTemplates.builder().route("/users/{id}/orders/{orderId}").build();
    assertThat(paths.normalize("/users/42/orders/7")).isEqualTo("/users/{id}/orders/{orderId}");
    assertThat(paths.normalize("/users/jane/orders/first")).isEqualTo("/users/{id}/orders/{orderId}");
    assertThat(paths.normalize("/users/42/orders/7")).isSameAs(paths.routes().get(0));
    assertThat(paths.normalize("/users/42/orders")).isEqualTo("/users/{id}/orders");     // fewer segments
    assertThat(paths.normalize("/users/42/orders/7/x")).isEqualTo("/users/{id}/orders/{id}/x");
    assertThat(paths.normalize("/Users/42/orders/7")).isEqualTo("/Users/{id}/orders/{id}"); // case-sensitive
  }

  @Test
  void routeMatchingIgnoresQueryFragmentRepeatedAndTrailingSlashes() {
    PathTemplates paths = PathTemplates.builder().route("/users/{id}").route("/files/{name}/").build();
    assertThat(paths.normalize("//users//42/?tab=orders#top")).isEqualTo("/users/{id}");
    assertThat(paths.normalize("/users/42/")).isEqualTo("/users/{id}");
    assertThat(paths.normalize("/files/a.txt")).isEqualTo("/files/{name}/");
    assertThat(paths.normalize("users/42")).isEqualTo("/users/{id}");
  }

  @Test
  void aLiteralSegmentBeatsAPlaceholderWhateverTheOrder() {
    for (List<String> routes : List.of(
        List.of("/users/{id}", "/users/me", "/{type}/me", "/{type}/{id}/orders", "/users/{id}/{tab}"),
        List.of("/users/{id}/{tab}", "/{type}/{id}/orders", "/{type}/me", "/users/me", "/users/{id}"))) {
      PathTemplates paths = PathTemplates.builder().routes(routes).build();
      assertThat(paths.normalize("/users/me")).isEqualTo("/users/me");
      assertThat(paths.normalize("/users/42")).isEqualTo("/users/{id}");
      assertThat(paths.normalize("/teams/me")).isEqualTo("/{type}/me");
      assertThat(paths.normalize("/users/42/orders")).isEqualTo("/users/{id}/{tab}"); // 'users' decides first
      assertThat(paths.normalize("/teams/42/orders")).isEqualTo("/{type}/{id}/orders");
      assertThat(paths.routes()).isEqualTo(routes);
    }
  }

  @Test
  void equallySpecificRoutesMatchInRegistrationOrder() {
    PathTemplates paths = PathTemplates.builder().route("/a/{x}").route("/a/{y}").build();
    assertThat(paths.normalize("/a/1")).isEqualTo("/a/{x}");
  }

  @Test
  void theRootRouteAndPathsWithoutRoutes() {
    PathTemplates paths = PathTemplates.builder().route("/").route("/health").build();
    assertThat(paths.normalize("")).isEqualTo("/");
    assertThat(paths.normalize("//?x")).isEqualTo("/");
    assertThat(paths.normalize("/health/")).isEqualTo("/health");
    assertThat(paths.normalize("/orders/550e8400-e29b-41d4-a716-446655440000")).isEqualTo("/orders/{uuid}");
    assertThat(PathTemplates.builder().build().routes()).isEmpty();
    assertThat(DEFAULTS.routes()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "users/{id}", "/users/{}", "/users/{id", "/users/id}", "/users/{{id}}",
      "/a//b", "//", "/a?x=1", "/a#b", "/files/{name}.json", "/x{id}"})
  void malformedRoutesAreRejected(String pattern) {
    assertThatThrownBy(() -> PathTemplates.builder().route(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + pattern + "'");
  }

  @Test
  void nullRouteIsRejected() {
    assertThatThrownBy(() -> PathTemplates.builder().route(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theBuilderCanBeReusedWithoutChangingBuiltInstances() {
    PathTemplates.Builder builder = PathTemplates.builder().route("/a/{x}");
    PathTemplates first = builder.build();
    PathTemplates second = builder.route("/b/{y}").build();
    assertThat(first.routes()).containsExactly("/a/{x}");
    assertThat(first.normalize("/b/q")).isEqualTo("/b/q");
    assertThat(second.normalize("/b/q")).isEqualTo("/b/{y}");
  }

  // ---------------------------------------------------------------- cost

  @Test
  void hundredKilobytePathsNormalizeInLinearTime() {
    int n = 100_000;
    List<PathTemplates> all = new ArrayList<>(List.of(DEFAULTS, manyRoutes()));
    Map<String, String> cases = Map.ofEntries(
        Map.entry("/" + "1".repeat(n), "/{id}"),
        Map.entry("/" + "a1".repeat(n / 2), "/{hash}"),
        Map.entry("/" + "a1_".repeat(n / 3), "/{token}"),
        Map.entry("/" + "a@".repeat(n / 2), "/{opaque}"),
        Map.entry("/" + "a%4".repeat(n / 3), "/{opaque}"),
        Map.entry("/" + "a.".repeat(n / 2), "/{opaque}"),
        Map.entry("/x@" + "a.".repeat(n / 2) + "com", "/{email}"),
        Map.entry("/2024-01-31T" + "0:".repeat(n / 2), "/{date}"),
        Map.entry("/" + "/".repeat(n), "/"),
        Map.entry("/" + "?".repeat(n), "/"),
        Map.entry("/x" + "/1".repeat(n / 2), "/x" + "/{id}".repeat(n / 2)),
        Map.entry("/x" + "//a".repeat(n / 3) + "/", "/x" + "/a".repeat(n / 3) + "/"));
    assertTimeoutPreemptively(LIMIT, () -> {
      for (int round = 0; round < 5; round++) {
        for (PathTemplates paths : all) {
          cases.forEach((path, expected) -> assertThat(paths.normalize(path)).isEqualTo(expected));
        }
      }
    });
  }

  @Test
  void manyRoutesWithTheSegmentCountOfALongPathStayLinear() {
    PathTemplates.Builder builder = PathTemplates.builder();
    for (int i = 0; i < 200; i++) {
      builder.route("/{a}/{b}/{c}/{d}/x" + i); // each route scans the whole path
    }
    PathTemplates paths = builder.build();
    String path = ("/" + "1".repeat(20_000)).repeat(4) + "/y";
    assertTimeoutPreemptively(LIMIT, () -> {
      for (int round = 0; round < 5; round++) {
        assertThat(paths.normalize(path)).isEqualTo("/{id}/{id}/{id}/{id}/y");
      }
    });
  }

  private static PathTemplates manyRoutes() {
    PathTemplates.Builder builder = PathTemplates.builder();
    for (int i = 0; i < 100; i++) {
      builder.route("/api/v" + i + "/{id}").route("/" + "{p}/".repeat(i) + "x" + i);
    }
    return builder.build();
  }

  // ---------------------------------------------------------------- properties

  /** Oracles for segments that must not survive normalisation, independent of the implementation. */
  private static final List<Pattern> NEVER_SURVIVE = List.of(
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
      Pattern.compile("[0-9]+"),
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"),
      Pattern.compile("[A-Za-z0-9._+-]+(@|%40)[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+"),
      Pattern.compile("(?=.*[0-9])[0-9a-fA-F]{8,}"),
      Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_=+-]{16,}"),
      Pattern.compile(".{65,}"));

  @Test
  void normalizeIsIdempotentAndLeavesNoHighCardinalitySegment() {
    PathTemplates routed = PathTemplates.builder()
        .route("/users/{id}").route("/users/me").route("/{a}/{b}/settings").route("/repos/{o}/{r}/")
        .build();
    RandomCases.check(2000, r -> {
      String path = randomPath(r);
      for (PathTemplates paths : List.of(DEFAULTS, routed)) {
        String once = paths.normalize(path);
        assertThat(paths.normalize(once)).as("normalize(normalize(%s))", path).isEqualTo(once);
        assertThat(once).as("normalize(%s)", path).startsWith("/").doesNotContain("//", "?", "#");
        if (paths == DEFAULTS) {
          for (String segment : once.substring(1).split("/")) {
            assertThat(NEVER_SURVIVE).as("segment '%s' of normalize(%s) = %s", segment, path, once)
                .noneMatch(p -> p.matcher(segment).matches());
          }
        }
      }
    });
  }

  /** Paths that differ only in their identifiers, query and slashes all normalise to one value. */
  @Test
  void pathsDifferingOnlyInIdentifiersShareOneValue() {
    List<String> templates = List.of(
        "/api/v1/users/{id}/orders/{uuid}",
        "/repos/acme/rocket/commits/{hash}/checks",
        "/users/{email}/settings",
        "/reports/{date}/download",
        "/reset-password/{token}",
        "/blobs/{opaque}",
        "/{id}/{uuid}/{hash}/{token}/{email}/{date}/{opaque}/",
        "/static/app.css");
    RandomCases.check(200, r -> {
      String template = RandomCases.pick(r, templates);
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        StringBuilder path = new StringBuilder();
        for (String part : template.split("(?<=/)|(?=/)")) {
          path.append(part.equals("/") ? "/".repeat(RandomCases.between(r, 1, 3))
              : part.startsWith("{") ? GENERATORS.get(part).apply(r) : part);
        }
        if (r.nextBoolean()) {
          path.append("?page=").append(r.nextInt(1000)).append("&sort=").append(GENERATORS.get("{uuid}").apply(r));
        }
        seen.add(DEFAULTS.normalize(path.toString()));
      }
      assertThat(seen).containsExactly(template);
    });
  }

  private static final List<String> KINDS =
      List.of("{id}", "{uuid}", "{hash}", "{token}", "{email}", "{date}", "{opaque}");
  private static final Map<String, Function<Random, String>> GENERATORS = Map.of(
      "{id}", r -> RandomCases.string(r, "0123456789", 1, 19),
      "{uuid}", r -> {
        String u = new UUID(r.nextLong(), r.nextLong()).toString();
        return r.nextBoolean() ? u : u.toUpperCase(Locale.ROOT);
      },
      "{hash}", r -> RandomCases.string(r, "0123456789abcdef", 6, 62) + RandomCases.pick(r, List.of(
          "a1", "7F", "0c")),
      "{token}", r -> RandomCases.string(r, "ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ", 1, 1)
          + RandomCases.string(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 14, 60)
          + RandomCases.string(r, "0123456789", 1, 1) + RandomCases.string(r, "=", 0, 2),
      "{email}", r -> RandomCases.string(r, "abcdefghijklmnopqrstuvwxyz0123456789._+-", 1, 20)
          + (r.nextBoolean() ? "@" : "%40") + RandomCases.string(r, "abcdefghijklmnopqrstuvwxyz0123456789-", 1, 12)
          + "." + RandomCases.pick(r, List.of("com", "org", "co.uk", "example")),
      "{date}", r -> String.format(Locale.ROOT, "%04d-%02d-%02d", r.nextInt(10_000), 1 + r.nextInt(12),
          1 + r.nextInt(31)) + (r.nextBoolean() ? "" : String.format(Locale.ROOT, "T%02d:%02d:%02dZ",
          r.nextInt(24), r.nextInt(60), r.nextInt(60))),
      "{opaque}", r -> RandomCases.string(r, "abcdefghijklmnopqrstuvwxyz0123456789.~!$&'()*,;:", 64, 300) + ".");

  private static final List<String> WORDS = List.of("api", "v1", "users", "me", "orders", "settings",
      "repos", "{id}", "{token}", "index.html", "%20", ".", "..", "@", "-", "x-y_z");

  /** A path mixing real identifiers, plain words and noise, with random slashes, query and fragment. */
  private static String randomPath(Random r) {
    StringBuilder sb = new StringBuilder();
    int segments = RandomCases.between(r, 0, 8);
    for (int i = 0; i < segments; i++) {
      if (i > 0 || r.nextInt(4) > 0) {
        sb.append("/".repeat(RandomCases.between(r, 1, 3)));
      }
      switch (RandomCases.weighted(r, 4, 4, 3)) {
        case 0 -> sb.append(RandomCases.pick(r, WORDS));
        case 1 -> sb.append(GENERATORS.get(RandomCases.pick(r, KINDS)).apply(r));
        default -> sb.append(RandomCases.string(r, "0123456789abcdefxyzABCFXYZ-_=+.@%{}~:T/?#", 0, 80));
      }
    }
    if (r.nextInt(4) == 0) {
      sb.append('/');
    }
    if (r.nextInt(4) == 0) {
      sb.append(RandomCases.pick(r, List.of("?", "#", "?a=1/2", "#x/1"))).append(RandomCases.string(r, "ab1/?#", 0, 8));
    }
    return sb.toString();
  }
}

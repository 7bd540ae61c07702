package dev.vigil.persistence;

import java.util.Locale;

/** The databases Vigil runs on: PostgreSQL in production and tests, H2 as the embedded default for a laptop. */
public enum Dialect {
  POSTGRES("postgres", "org.postgresql.Driver", "slick.jdbc.PostgresProfile$"),
  H2("h2", "org.h2.Driver", "slick.jdbc.H2Profile$");

  private final String schemaFolder;
  private final String driverClass;
  private final String slickProfile;

  Dialect(String schemaFolder, String driverClass, String slickProfile) {
    this.schemaFolder = schemaFolder;
    this.driverClass = driverClass;
    this.slickProfile = slickProfile;
  }

  /** Folder name used by pekko-persistence-jdbc's shipped DDL ({@code schema/<folder>/...}) and by Vigil's own migrations. */
  public String schemaFolder() {
    return schemaFolder;
  }

  public String driverClass() {
    return driverClass;
  }

  public String slickProfile() {
    return slickProfile;
  }

  /** Derives the dialect from a JDBC URL, failing with a message that names the supported ones. */
  public static Dialect fromJdbcUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return POSTGRES;
    }
    if (lower.startsWith("jdbc:h2:")) {
      return H2;
    }
    throw new IllegalArgumentException(
        "vigil.database.url must be a jdbc:postgresql: or jdbc:h2: URL, got '" + url + "'");
  }
}

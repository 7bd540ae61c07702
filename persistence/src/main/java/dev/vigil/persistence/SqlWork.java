package dev.vigil.persistence;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work run on a pooled connection by {@link Database}. */
@FunctionalInterface
public interface SqlWork<T> {
  T apply(Connection connection) throws SQLException;
}

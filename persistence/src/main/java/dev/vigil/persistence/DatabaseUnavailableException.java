package dev.vigil.persistence;

import java.sql.SQLException;

/**
 * A database call failed for a reason outside the request (connection refused, timeout, server shutting down). The
 * gateway answers it with 503 rather than 500, so clients know to retry.
 */
public final class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(SQLException cause) {
    super("database unavailable: " + cause.getMessage(), cause);
  }
}

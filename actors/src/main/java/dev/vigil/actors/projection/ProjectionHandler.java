package dev.vigil.actors.projection;

import java.sql.Connection;
import java.sql.SQLException;

import org.apache.pekko.persistence.query.EventEnvelope;

/**
 * Applies one journal event to a read model, inside the transaction that also stores the projection's offset: the
 * rows it writes and the offset commit together or not at all, so each event is applied exactly once. It must not
 * commit, roll back or close the connection, and must not call anything outside the database (it may run again
 * after a failed transaction).
 */
@FunctionalInterface
public interface ProjectionHandler {
  void process(Connection connection, EventEnvelope envelope) throws SQLException;
}

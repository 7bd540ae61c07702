package dev.vigil.actors.investigation;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;

import dev.vigil.actors.projection.ProjectionRunner;
import dev.vigil.actors.projection.ProjectionSettings;
import dev.vigil.persistence.Database;
import dev.vigil.persistence.investigations.InvestigationReadModel;
import dev.vigil.persistence.investigations.ReceiptRecords;
import dev.vigil.protocol.InvestigationProtocol;
import dev.vigil.receipt.Receipt;

/**
 * Keeps the investigations read model ({@code vigil_investigations}) and copies every investigation receipt into
 * {@code vigil_receipts}, from the {@code investigation-<n>} tags through the {@link ProjectionRunner}.
 */
public final class InvestigationProjection {

  public static final String NAME = "investigations";

  private InvestigationProjection() {}

  public static void init(ActorSystem<?> system, InvestigationSettings settings, Database database,
      ProjectionSettings projectionSettings) {
    ProjectionRunner.init(system, projection(settings), database, projectionSettings, Investigation.ROLE);
  }

  public static ProjectionRunner.Projection projection(InvestigationSettings settings) {
    return new ProjectionRunner.Projection(NAME, ProjectionRunner.tags(Investigation.TAG_PREFIX, settings.tagCount()),
        InvestigationProjection::apply);
  }

  static void apply(Connection c, EventEnvelope envelope) throws SQLException {
    String id = investigationId(envelope.persistenceId());
    Object event = envelope.event();
    if (event instanceof InvestigationProtocol.Requested e) {
      InvestigationReadModel.requested(c, id, e.request().agentId(), e.at());
    } else if (event instanceof InvestigationProtocol.Queued e) {
      InvestigationReadModel.queued(c, id, e.position(), e.at());
    } else if (event instanceof InvestigationProtocol.Admitted e) {
      InvestigationReadModel.stage(c, id, InvestigationState.PROVISIONING, e.at());
    } else if (event instanceof InvestigationProtocol.Provisioned e) {
      InvestigationReadModel.phase(c, id, e.phase(), e.at());
    } else if (event instanceof InvestigationProtocol.JobLaunched e) {
      InvestigationReadModel.launched(c, id, e.jobName(), e.at());
    } else if (event instanceof InvestigationProtocol.JobStarted e) {
      InvestigationReadModel.stage(c, id, InvestigationState.RUNNING, e.at());
    } else if (event instanceof InvestigationProtocol.ActionDecided e) {
      InvestigationReadModel.decided(c, id, e.at());
      insertReceipt(c, e.receiptJson());
    } else if (event instanceof InvestigationProtocol.Paused e) {
      insertReceipt(c, e.receiptJson());
    } else if (event instanceof InvestigationProtocol.Resumed e) {
      insertReceipt(c, e.receiptJson());
    } else if (event instanceof InvestigationProtocol.ConclusionReached e) {
      InvestigationReadModel.concluding(c, id, e.outcome(), e.reason(), e.at());
    } else if (event instanceof InvestigationProtocol.Concluded e) {
      InvestigationReadModel.ended(c, id, e.outcome(), e.at());
    }
    // lease and token events change nothing the list shows
  }

  private static void insertReceipt(Connection c, String receiptJson) throws SQLException {
    Receipt receipt = ReceiptJson.read(receiptJson);
    ReceiptRecords.insert(c, new ReceiptRecords.ReceiptRow(receipt.id(), receipt.chainId(), receipt.sequence(),
        receipt.kind(), receiptJson, receipt.prevHash(), receipt.hash(), Instant.parse(receipt.timestamp())));
  }

  private static String investigationId(String persistenceId) {
    int separator = persistenceId.indexOf('|');
    return separator < 0 ? persistenceId : persistenceId.substring(separator + 1);
  }
}

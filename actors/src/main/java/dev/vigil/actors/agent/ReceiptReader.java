package dev.vigil.actors.agent;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.protocol.AgentProtocol.Decided;
import dev.vigil.protocol.AgentProtocol.DecisionRecorded;
import dev.vigil.protocol.AgentProtocol.PhaseChanged;
import dev.vigil.protocol.AgentProtocol.ReceiptRecorded;
import dev.vigil.receipt.Receipt;

/**
 * Reads an agent's receipt chain straight from the journal, the source of truth, so what the API returns is exactly
 * what the entity sealed. Sequences are the receipts' own (1-based within the chain), not journal sequence numbers.
 */
public final class ReceiptReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JdbcReadJournal journal;
  private final ActorSystem<?> system;

  public ReceiptReader(ActorSystem<?> system) {
    this.system = system;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** Receipts of the agent's chain with sequence in [from, to], at most {@code limit}, in order. */
  public CompletionStage<List<Receipt>> chain(String agentId, long from, long to, int limit) {
    String pid = PersistenceId.of(AgentEntity.TYPE_KEY.name(), agentId).id();
    return journal.currentEventsByPersistenceId(pid, 0L, Long.MAX_VALUE)
        .map(envelope -> String.valueOf(receiptOf(envelope.event())))
        .filter(json -> !json.equals("null"))
        .map(ReceiptReader::parse)
        .filter(receipt -> receipt.sequence() >= from && receipt.sequence() <= to)
        .take(limit)
        .runWith(Sink.seq(), system);
  }

  /** The sealed receipt an agent event carries (decisions, phase changes, other kinds), or null. */
  static String receiptOf(Object event) {
    if (event instanceof Decided decided) {
      return decided.receipt();
    }
    if (event instanceof PhaseChanged changed) {
      return changed.receipt();
    }
    if (event instanceof DecisionRecorded recorded) {
      return recorded.receipt();
    }
    return event instanceof ReceiptRecorded recorded ? recorded.receipt() : null;
  }

  private static Receipt parse(String json) {
    try {
      return Receipt.fromJson(JSON.readTree(json));
    } catch (IOException e) {
      throw new IllegalStateException("unreadable receipt in the journal", e);
    }
  }
}

package dev.vigil.protocol.serialization;

import java.io.IOException;
import java.io.NotSerializableException;
import java.util.Optional;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import dev.vigil.protocol.MessageCatalog;

/**
 * Jackson CBOR with the message's {@link dev.vigil.protocol.StableName} as manifest instead of its class name. It
 * reuses the object mapper Pekko configures for {@code jackson-cbor} (so ActorRefs, java.time and Scala types
 * serialize as usual); only the naming differs, which keeps journals readable across class renames.
 */
public final class StableNameSerializer extends SerializerWithStringManifest {

  /** Unique among the system's serializers; never change it once events are stored. */
  public static final int IDENTIFIER = 742_611;

  private final ObjectMapper mapper;

  public StableNameSerializer(ExtendedActorSystem system) {
    this.mapper = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object message) {
    return MessageCatalog.nameOf(message.getClass()).orElseThrow(() -> new IllegalArgumentException(
        message.getClass().getName() + " is not in dev.vigil.protocol.MessageCatalog; add it with a @StableName"));
  }

  @Override
  public byte[] toBinary(Object message) {
    manifest(message);
    try {
      return mapper.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot serialize " + message.getClass().getName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    Class<?> type = MessageCatalog.typeOf(manifest).orElseThrow(() ->
        new NotSerializableException("Unknown stable name '" + manifest + "': written by a newer version?"));
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      NotSerializableException failure = new NotSerializableException("Cannot read " + manifest + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }
}

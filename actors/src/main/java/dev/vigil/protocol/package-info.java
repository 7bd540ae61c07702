/**
 * Vigil's actor message API: the commands, replies and events of the entities and pools, as public records.
 *
 * <p>Every message implements {@link dev.vigil.protocol.VigilSerializable} and carries a {@link
 * dev.vigil.protocol.StableName}: the name written as the serialization manifest next to its Jackson CBOR payload, in
 * the journal and on the wire. Class and package names never reach a journal, so a class can be renamed or moved
 * without breaking stored events or a rolling upgrade; only the stable name (and the field names) are the contract.
 * {@link dev.vigil.protocol.MessageCatalog} lists every message; a name, once used, is never reused for another shape.
 *
 * <p>Evolving a message: adding an optional field is compatible (missing fields read as null/empty); renaming or
 * removing a field, or changing its meaning, needs a new stable name ({@code ...v2}) and an event adapter. The test
 * {@code SerializationCompatibilityTest} reads events written by earlier versions from a checked-in fixture.
 */
package dev.vigil.protocol;

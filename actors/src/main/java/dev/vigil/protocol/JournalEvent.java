package dev.vigil.protocol;

/**
 * Marker of messages that are written to the journal. Their stable names and fields are history: the compatibility
 * test requires a fixture line, as written by the version that introduced them, for every journal event type.
 */
public interface JournalEvent extends VigilSerializable {}

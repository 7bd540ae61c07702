package dev.vigil.protocol;

/** Marker bound to Vigil's stable-name Jackson CBOR serializer; every message and event implements it. */
public interface VigilSerializable {}

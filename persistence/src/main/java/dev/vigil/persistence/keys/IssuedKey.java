package dev.vigil.persistence.keys;

/** A key just created: the only moment the secret token exists outside its holder's hands. */
public record IssuedKey(ApiKey key, String token) {}

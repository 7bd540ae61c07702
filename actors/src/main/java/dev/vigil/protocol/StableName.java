package dev.vigil.protocol;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The serialization manifest of a message: stable across renames of its class, e.g. {@code agent.registered.v1}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StableName {
  String value();
}

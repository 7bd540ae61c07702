package dev.vigil.standins.vault.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vigil.standins.vault.LeaseView;
import dev.vigil.standins.vault.VaultRole;

/**
 * The stand-in's lease state: issues secrets under leases and applies Vault's TTL rules on the
 * injected clock. Renewal follows Vault's {@code CalculateTTL}: the new TTL is the increment
 * (or the role's default) counted from now, capped at the role's max TTL counted from issue,
 * with Vault's warning when capped. Revoked and expired leases are kept (Vault forgets them)
 * so tests can ask what was live and whether a secret was used after its lease ended.
 * Thread-safe: every operation holds the book's lock.
 */
public final class LeaseBook {

  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final Clock clock;
  private final Map<String, VaultRole> rolesByPath = new LinkedHashMap<>();
  private final Map<String, Lease> leases = new LinkedHashMap<>();
  private final Map<String, Token> tokens = new LinkedHashMap<>();
  private final Map<String, Token> tokensByAccessor = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();
  /** The earliest expire time of a live token (null: none expires), so most calls skip the expiry sweep. */
  private Instant nextTokenExpiry;

  /** A token {@code auth/token/create*} made; the leases read with it end when it is revoked or expires. */
  private static final class Token {
    final String id;
    final String accessor;
    final String displayName;
    final boolean orphan;
    final Instant issueTime;
    final Instant expireTime;
    final List<Lease> leases = new ArrayList<>();
    Instant revokeTime;

    Token(String id, String accessor, String displayName, boolean orphan, Instant issueTime, Instant expireTime) {
      this.id = id;
      this.accessor = accessor;
      this.displayName = displayName;
      this.orphan = orphan;
      this.issueTime = issueTime;
      this.expireTime = expireTime;
    }
  }

  /** A token just created: the client token (a secret) and its accessor (a handle to revoke it by). */
  public record CreatedToken(String clientToken, String accessor, long ttlSeconds, boolean orphan,
      String displayName) {}

  /** What tests see of a token: never its id. */
  public record TokenView(String accessor, String displayName, boolean orphan, Instant issueTime,
      Instant expireTime, Instant revokeTime, LeaseView.State state) {}

  /** A lease was refused; {@code message} is Vault's error text for the 400 answer. */
  public static final class LeaseRejected extends Exception {
    public LeaseRejected(String message) {
      super(message, null, false, false);
    }
  }

  /** A newly issued secret and its lease. */
  public record Issued(String leaseId, long leaseDurationSeconds, boolean renewable, Map<String, String> secret,
      String mountType) {}

  /** A successful renewal: the granted TTL and Vault's warnings (capping). */
  public record Renewed(String leaseId, long leaseDurationSeconds, boolean renewable, List<String> warnings) {}

  /** What {@code sys/leases/lookup} reports. */
  public record Lookup(String leaseId, Instant issueTime, Instant expireTime, Instant lastRenewal, boolean renewable,
      long ttlSeconds) {}

  /** The outcome of presenting a credential, as the protected system would see it. */
  public record CredentialCheck(boolean valid, String leaseId, LeaseView.State state) {}

  private static final class Lease {
    final String id;
    final VaultRole role;
    /** The created token it was read with (null for the root token or a login token). */
    Token owner;
    final Map<String, String> secret;
    final Instant issueTime;
    final Instant maxExpireTime;
    Instant expireTime;
    Instant lastRenewal;
    Instant revokeTime;
    int renewals;
    long uses;
    long usesAfterEnd;

    Lease(String id, VaultRole role, Map<String, String> secret, Instant issueTime, Instant expireTime) {
      this.id = id;
      this.role = role;
      this.secret = secret;
      this.issueTime = issueTime;
      this.expireTime = expireTime;
      this.maxExpireTime = issueTime.plus(role.maxTtl());
    }

    LeaseView.State state(Instant now) {
      if (revokeTime != null) {
        return LeaseView.State.REVOKED;
      }
      // Vault treats a lease as expired once its expire time is before now.
      return expireTime.isBefore(now) ? LeaseView.State.EXPIRED : LeaseView.State.LIVE;
    }
  }

  public LeaseBook(Clock clock, List<VaultRole> roles) {
    this.clock = clock;
    for (VaultRole role : roles) {
      rolesByPath.put(role.mount() + "/" + role.name(), role);
    }
  }

  /** True if some role lives under this mount (so an unknown role there is a 400, not a 404). */
  public synchronized boolean hasMount(String mount) {
    return rolesByPath.values().stream().anyMatch(role -> role.mount().equals(mount));
  }

  /** Issues a new secret for {@code mount/role}; empty if no such role. */
  public synchronized Optional<Issued> issue(String mount, String roleName) {
    return issue(mount, roleName, null);
  }

  /**
   * Issues a new secret for {@code mount/role} read with {@code clientToken}: when that is a token
   * {@link #createToken} made, the lease ends with it, as Vault revokes a token's leases with the token.
   */
  public synchronized Optional<Issued> issue(String mount, String roleName, String clientToken) {
    VaultRole role = rolesByPath.get(mount + "/" + roleName);
    if (role == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    endExpiredTokens(now);
    String leaseId = role.credsPath() + "/" + randomText(24);
    Map<String, String> secret = newSecret(role, now);
    Lease lease = new Lease(leaseId, role, secret, now, now.plus(role.defaultTtl()));
    lease.owner = clientToken == null ? null : tokens.get(clientToken);
    if (lease.owner != null) {
      lease.owner.leases.add(lease);
    }
    leases.put(leaseId, lease);
    String mountType = role.secretKind() == VaultRole.SecretKind.DATABASE_USER ? "database" : "kv";
    return Optional.of(new Issued(leaseId, role.defaultTtl().toSeconds(), role.renewable(), secret, mountType));
  }

  /** Renews like Vault: {@code incrementSeconds <= 0} means the role's default TTL. */
  public synchronized Renewed renew(String leaseId, long incrementSeconds) throws LeaseRejected {
    Instant now = clock.instant();
    endExpiredTokens(now);
    Lease lease = leases.get(leaseId);
    if (lease == null || lease.state(now) == LeaseView.State.REVOKED) {
      throw new LeaseRejected("lease not found");
    }
    if (lease.state(now) == LeaseView.State.EXPIRED) {
      throw new LeaseRejected("lease expired");
    }
    if (!lease.role.renewable()) {
      throw new LeaseRejected("lease is not renewable");
    }
    Duration requested = incrementSeconds > 0 ? Duration.ofSeconds(incrementSeconds) : lease.role.defaultTtl();
    Duration maxValid = Duration.between(now, lease.maxExpireTime);
    if (maxValid.isNegative() || maxValid.isZero()) {
      throw new LeaseRejected("past the max TTL, cannot renew");
    }
    List<String> warnings = new ArrayList<>();
    Duration granted = requested;
    if (requested.compareTo(maxValid) > 0) {
      warnings.add("TTL of \"" + goDuration(requested) + "\" exceeded the effective max_ttl of \""
          + goDuration(maxValid) + "\"; TTL value is capped accordingly");
      granted = maxValid;
    }
    lease.expireTime = now.plus(granted);
    lease.lastRenewal = now;
    lease.renewals++;
    return new Renewed(leaseId, granted.toSeconds(), true, List.copyOf(warnings));
  }

  /** Revokes a lease; unknown or already ended leases are fine (Vault's revoke is idempotent). */
  public synchronized void revoke(String leaseId) {
    Lease lease = leases.get(leaseId);
    if (lease != null && lease.revokeTime == null) {
      lease.revokeTime = clock.instant();
    }
  }

  /** Revokes every lease whose id starts with {@code prefix}; returns how many were still live. */
  public synchronized int revokePrefix(String prefix) {
    Instant now = clock.instant();
    int revoked = 0;
    for (Lease lease : leases.values()) {
      if (lease.id.startsWith(prefix) && lease.revokeTime == null) {
        if (lease.state(now) == LeaseView.State.LIVE) {
          revoked++;
        }
        lease.revokeTime = now;
      }
    }
    return revoked;
  }

  /** The lease's times, if Vault would still know it (live: not revoked, not expired). */
  public synchronized Optional<Lookup> lookup(String leaseId) {
    Instant now = clock.instant();
    endExpiredTokens(now);
    Lease lease = leases.get(leaseId);
    if (lease == null || lease.state(now) != LeaseView.State.LIVE) {
      return Optional.empty();
    }
    long ttl = Math.max(0, Duration.between(now, lease.expireTime).toSeconds());
    return Optional.of(new Lookup(lease.id, lease.issueTime, lease.expireTime, lease.lastRenewal,
        lease.role.renewable(), ttl));
  }

  /**
   * Checks a presented credential as the protected system would: valid only while its lease is
   * live. Counts every use, and separately each use after the lease ended.
   */
  public synchronized CredentialCheck check(Map<String, String> presented) {
    if (presented.isEmpty()) {
      return new CredentialCheck(false, null, null);
    }
    Instant now = clock.instant();
    endExpiredTokens(now);
    for (Lease lease : leases.values()) {
      if (lease.secret.equals(presented)) {
        LeaseView.State state = lease.state(now);
        lease.uses++;
        if (state != LeaseView.State.LIVE) {
          lease.usesAfterEnd++;
        }
        return new CredentialCheck(state == LeaseView.State.LIVE, lease.id, state);
      }
    }
    return new CredentialCheck(false, null, null);
  }

  /** Every lease ever issued, oldest first, with its state now. */
  public synchronized List<LeaseView> all() {
    Instant now = clock.instant();
    endExpiredTokens(now);
    List<LeaseView> views = new ArrayList<>(leases.size());
    for (Lease lease : leases.values()) {
      views.add(new LeaseView(lease.id, lease.role.mount(), lease.role.name(), lease.state(now), lease.issueTime,
          lease.expireTime, lease.maxExpireTime, lease.revokeTime, lease.renewals, lease.uses, lease.usesAfterEnd));
    }
    return views;
  }

  /**
   * Creates a token ({@code auth/token/create*}) that lives {@code ttl} (zero: no expiry). A non-orphan would die
   * with its parent in Vault; the stand-in's parents (root, logins) are never revoked, so the flag is only reported.
   */
  public synchronized CreatedToken createToken(Duration ttl, String displayName, boolean orphan) {
    Instant now = clock.instant();
    String id = "hvs." + randomText(24);
    String accessor = randomText(24);
    Token token = new Token(id, accessor, displayName, orphan, now, ttl.isZero() ? null : now.plus(ttl));
    tokens.put(id, token);
    tokensByAccessor.put(accessor, token);
    if (token.expireTime != null && (nextTokenExpiry == null || token.expireTime.isBefore(nextTokenExpiry))) {
      nextTokenExpiry = token.expireTime;
    }
    return new CreatedToken(id, accessor, ttl.toSeconds(), orphan, displayName);
  }

  /** True for a token {@link #createToken} made that is neither revoked nor expired. */
  public synchronized boolean liveToken(String clientToken) {
    endExpiredTokens(clock.instant());
    Token token = clientToken == null ? null : tokens.get(clientToken);
    return token != null && token.revokeTime == null;
  }

  /**
   * Revokes a token by its accessor and every lease read with it ({@code auth/token/revoke-accessor}); false if no
   * live token has that accessor (Vault answers 400 "invalid accessor", its leases already ended with it).
   */
  public synchronized boolean revokeAccessor(String accessor) {
    Instant now = clock.instant();
    endExpiredTokens(now);
    Token token = tokensByAccessor.get(accessor);
    if (token == null || token.revokeTime != null) {
      return false;
    }
    end(token, now);
    return true;
  }

  /** Every token created, oldest first. */
  public synchronized List<TokenView> tokens() {
    Instant now = clock.instant();
    endExpiredTokens(now);
    List<TokenView> views = new ArrayList<>();
    for (Token token : tokens.values()) {
      LeaseView.State state = token.revokeTime == null ? LeaseView.State.LIVE
          : token.expireTime != null && token.revokeTime.equals(token.expireTime) ? LeaseView.State.EXPIRED
          : LeaseView.State.REVOKED;
      views.add(new TokenView(token.accessor, token.displayName, token.orphan, token.issueTime, token.expireTime,
          token.revokeTime, state));
    }
    return views;
  }

  /** For tests: a lease Vault issued to the token with this accessor (as if its reader never learned of it). */
  public synchronized Optional<Issued> issueUnder(String accessor, String mount, String roleName) {
    Token token = tokensByAccessor.get(accessor);
    return token == null ? Optional.empty() : issue(mount, roleName, token.id);
  }

  /** Tokens past their TTL end, with their leases, at their expire time (Vault's expiration manager). */
  private void endExpiredTokens(Instant now) {
    if (nextTokenExpiry == null || !nextTokenExpiry.isBefore(now)) {
      return;
    }
    Instant next = null;
    for (Token token : tokens.values()) {
      if (token.revokeTime == null && token.expireTime != null) {
        if (token.expireTime.isBefore(now)) {
          end(token, token.expireTime);
        } else if (next == null || token.expireTime.isBefore(next)) {
          next = token.expireTime;
        }
      }
    }
    nextTokenExpiry = next;
  }

  private void end(Token token, Instant at) {
    token.revokeTime = at;
    for (Lease lease : token.leases) {
      if (lease.revokeTime == null && !lease.expireTime.isBefore(at)) {
        lease.revokeTime = at; // an already expired lease stays expired
      }
    }
  }

  private Map<String, String> newSecret(VaultRole role, Instant now) {
    Map<String, String> secret = new LinkedHashMap<>();
    if (role.secretKind() == VaultRole.SecretKind.DATABASE_USER) {
      // Same shape as Vault's PostgreSQL plugin: v-<display name>-<role>-<random>-<unix time>.
      secret.put("username", "v-token-" + role.name() + "-" + randomText(20) + "-" + now.getEpochSecond());
      secret.put("password", randomText(4) + "-" + randomText(20));
    } else {
      secret.put("api_key", "vsk-" + role.mount() + "-" + randomText(32));
    }
    return Map.copyOf(secret);
  }

  private String randomText(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    return text.toString();
  }

  /** Go's {@code time.Duration.String} trimmed as Vault's {@code humanDuration} does: 1h, 1m30s, 2s. */
  public static String goDuration(Duration duration) {
    long seconds = duration.toSeconds();
    long hours = seconds / 3600;
    long minutes = (seconds % 3600) / 60;
    long rest = seconds % 60;
    String text;
    if (hours > 0) {
      text = hours + "h" + minutes + "m" + rest + "s";
    } else if (minutes > 0) {
      text = minutes + "m" + rest + "s";
    } else {
      text = rest + "s";
    }
    if (text.endsWith("m0s")) {
      text = text.substring(0, text.length() - 2);
    }
    if (text.endsWith("h0m")) {
      text = text.substring(0, text.length() - 2);
    }
    return text;
  }
}

package dev.cairn.core.security;

import java.time.Instant;

/**
 * One line of the audit trail.
 *
 * @param actor a token's name, or {@code local}
 * @param action what was done, e.g. {@code run.delete}, {@code token.create}
 * @param target what it was done to (a run id, a token name, a request path)
 * @param address the client's address, or {@code cli} for the command line
 * @param detail optional extra words, never a secret
 */
public record AuditEntry(
    long id,
    Instant at,
    String actor,
    String action,
    String target,
    String address,
    String detail) {}

/**
 * API tokens, their scopes and the audit trail (issue 12, docs/security.md). A token is {@code
 * cairn_} followed by 52 base62 characters: the first 12 are its id (the row it is looked up by),
 * the other 40 its secret, stored only as a salted PBKDF2-HMAC-SHA256 hash.
 */
package dev.cairn.core.security;

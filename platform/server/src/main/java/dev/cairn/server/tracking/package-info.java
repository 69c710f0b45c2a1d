/**
 * The native tracking API for code Cairn does not train (docs/tracking.md): runs created by a
 * client, batched scalars, images, histograms, text, params, tags, heartbeats and the end status.
 * Every point goes through the store writer verticles, so outside runs show live like Cairn's own.
 */
package dev.cairn.server.tracking;

/**
 * A client for Cairn's tracking API (docs/tracking.md): start a run, log scalars, images,
 * histograms, text, params and tags from any JVM program, end the run. {@link
 * dev.cairn.client.CairnClient} is the entry point. JDK HTTP client and Jackson only.
 */
package dev.cairn.client;

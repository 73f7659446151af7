/**
 * The demo's synthetic, drifting example stream.
 */
package io.streamgrad.jobs.demo;

/**
 * The job YAML of {@code OnlineTrainingJob}: bound by Jackson to one record per section (choices as
 * enums, unknown fields rejected, every error naming its field path), with {@code --set}
 * overrides applied as JSON pointers before binding. Operator options come from
 * {@link io.streamgrad.operators.TrainerOption}, so the YAML and the builder share names and defaults.
 */
package io.streamgrad.jobs.config;

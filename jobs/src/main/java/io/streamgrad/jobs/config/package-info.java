/**
 * The job YAML of {@code OnlineTrainingJob}: bound by Jackson to one record per section (choices as
 * enums, unknown fields rejected, every error naming its field path), with {@code --set}
 * overrides applied as JSON pointers before binding. Operator options come from
 * {@link io.streamgrad.operators.TrainerOption}, so the YAML and the builder share names and defaults.
 * A job trains one model for every key, or a {@code models} list of {@link io.streamgrad.jobs.config.JobModel}s
 * that each claim their keys. A {@code labels} section ({@link io.streamgrad.jobs.config.Labels}) adds
 * labels that arrive later on their own topic.
 */
package io.streamgrad.jobs.config;

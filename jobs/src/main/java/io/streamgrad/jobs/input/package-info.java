/**
 * Input records to training examples: {@link io.streamgrad.jobs.input.ExampleParser} picks the JSON or
 * CSV parser for the job's input format; both share one model-key source and one label encoder, and
 * every record that cannot be used becomes a bounded dead letter instead of failing the job.
 */
package io.streamgrad.jobs.input;

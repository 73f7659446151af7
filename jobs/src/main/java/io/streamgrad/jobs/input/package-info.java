/**
 * Input records to training examples: {@link io.streamgrad.jobs.input.ExampleParser} picks the JSON or
 * CSV parser for the job's input format; both share one model-key source and one label encoder, and
 * every record that cannot be used becomes a bounded dead letter instead of failing the job. In a job
 * with several models, {@link io.streamgrad.jobs.input.RoutingParser} reads the model key first and
 * parses the record with the model that claims it; {@link io.streamgrad.jobs.input.RouteByModel}
 * splits the examples into one stream per model.
 */
package io.streamgrad.jobs.input;

/**
 * The trainer's keyed state: the model serializer (part of the savepoint format), the per-key
 * progress, and where live models are kept between callbacks on each state backend.
 */
package io.streamgrad.operators.state;

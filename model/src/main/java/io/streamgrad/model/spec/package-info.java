/**
 * Immutable descriptions of models, layers, losses, regularizers, optimizers, schedules and early stopping, parsed from JSON or YAML; every error names the field.
 */
package io.streamgrad.model.spec;

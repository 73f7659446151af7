/**
 * Everything a model resumes from ({@link io.streamgrad.model.state.ModelState}: weights, optimizer
 * slots, counters, front-end vocabularies and statistics) and its binary and JSON forms.
 */
package io.streamgrad.model.state;

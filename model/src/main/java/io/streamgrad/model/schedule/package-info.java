/**
 * Learning-rate schedules of Keras 3: the rate as a function of the step counter.
 */
package io.streamgrad.model.schedule;

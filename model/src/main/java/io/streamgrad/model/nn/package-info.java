/**
 * The network: Dense, BatchNormalization, Dropout and Activation layers, activations and losses, float32 parameters in Keras layouts, forward and backward passes into preallocated buffers.
 */
package io.streamgrad.model.nn;

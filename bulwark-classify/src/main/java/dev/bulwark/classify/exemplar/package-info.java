/**
 * Nearest-neighbour similarity to known attacks: an immutable {@link
 * dev.bulwark.classify.exemplar.ExemplarIndex} of MiniLM embeddings searched by brute-force cosine, the
 * {@link dev.bulwark.classify.exemplar.Embedder} that turns texts into the vectors it compares, and a
 * {@link dev.bulwark.classify.exemplar.LiveExemplarIndex} that swaps whole versions atomically. The
 * gateway's exemplar stage, the monitor's nearest-neighbour analysis and rapid response's exemplar
 * patches share them.
 */
@NullMarked
package dev.bulwark.classify.exemplar;

import org.jspecify.annotations.NullMarked;

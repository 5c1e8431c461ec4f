/**
 * The canonical chat model shared by both protocols: requests ({@link
 * dev.bulwark.protocol.model.ChatRequest}), whole responses ({@link
 * dev.bulwark.protocol.model.ChatResponse}) and stream events ({@link
 * dev.bulwark.protocol.model.StreamEvent}).
 */
@NullMarked
package dev.bulwark.protocol.model;

import org.jspecify.annotations.NullMarked;

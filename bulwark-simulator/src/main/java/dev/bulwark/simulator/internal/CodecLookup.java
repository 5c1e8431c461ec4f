package dev.bulwark.simulator.internal;

import dev.bulwark.protocol.Codecs;
import dev.bulwark.protocol.ProtocolCodec;
import dev.bulwark.protocol.model.Protocol;

/** The one place that knows how the protocol module hands out its codecs. */
final class CodecLookup {
  private CodecLookup() {}

  static ProtocolCodec of(Protocol protocol) {
    return Codecs.of(protocol);
  }
}

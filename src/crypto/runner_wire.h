// How cybertroc and its GnuPG runner talk (crypto/runner.h): one frame per
// request and one per answer over a Unix socket, each a 32-bit length and
// that many bytes of fields (integers little-endian, strings
// length-prefixed). Both ends are this program, built together: there is
// no version to negotiate, but every length is checked, so that a torn or
// foreign frame is an error and never an overrun.
#ifndef CYBERTROC_CRYPTO_RUNNER_WIRE_H_
#define CYBERTROC_CRYPTO_RUNNER_WIRE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "crypto/raw_ops.h"

namespace ct::crypto::wire {

// No frame is larger: far above any message cybertroc accepts.
inline constexpr size_t kMaxFrameBytes = size_t{1} << 30;

std::string EncodeRequest(const RawRequest& request);
std::optional<RawRequest> DecodeRequest(const std::string& frame);
std::string EncodeOutcome(const RawOutcome& outcome);
std::optional<RawOutcome> DecodeOutcome(const std::string& frame);

enum class FrameStatus { kOk, kEnd, kBroken };

// Writes one frame on `fd` (a socket: no SIGPIPE when the other end is
// gone). False when it could not be written whole.
bool WriteFrame(int fd, const std::string& payload);
// Reads one frame of at most `max_bytes` into `payload`: kEnd at a clean
// end of stream before the frame, kBroken for anything else that fails.
FrameStatus ReadFrame(int fd, size_t max_bytes, std::string& payload);

}  // namespace ct::crypto::wire

#endif  // CYBERTROC_CRYPTO_RUNNER_WIRE_H_

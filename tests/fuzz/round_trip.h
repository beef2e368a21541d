// The properties the packet fuzz targets check on every input. The libFuzzer entry points
// (fuzz_pkt4.cc, fuzz_pkt6.cc, fuzz_frame4.cc) call these and abort on a failure. The unit test
// fuzz_corpus_test.cc runs them over the seed corpora in the ordinary build.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace leasehold::fuzz {

// Decodes `input` as a DHCPv4 message. When that succeeds, encodes it, decodes the encoding and
// checks that both decodings agree and that encoding again gives the same bytes. When decoding
// fails, checks that the error carries a detail. Returns an empty string when every check
// passes, else a description of the first failure.
std::string checkPkt4RoundTrip(std::span<const uint8_t> input);

// The same for DHCPv6, plus: every IA option of the decoded message decodes with decodeIa6(),
// its IAADDR and IAPREFIX options with their decoders, and each re-encodes to its payload.
std::string checkPkt6RoundTrip(std::span<const uint8_t> input);

// The same for Ethernet + IPv4 + UDP frames: a decoded frame re-encodes to a frame that decodes
// to the same fields and payload, and the payload then goes through checkPkt4RoundTrip(). First,
// the whole input is framed as a payload and must decode back unchanged.
std::string checkFrame4RoundTrip(std::span<const uint8_t> input);

}  // namespace leasehold::fuzz

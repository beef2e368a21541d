// Cost of the packet codec's hot path on packets captured from dhclient and Kea: decoding a
// request, encoding a reply, and the raw-socket frame around them.
#include <benchmark/benchmark.h>

#include "server/packet/frame4.h"
#include "server/packet/pkt4.h"
#include "server/packet/pkt6.h"
#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using testing::readGolden;

void BM_DecodeDiscover4(benchmark::State& state) {
  const auto bytes = readGolden("v4/dhclient-discover.hex");
  for (auto _ : state) {
    auto packet = decodePkt4(bytes);
    benchmark::DoNotOptimize(packet);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_DecodeDiscover4);

void BM_DecodeRelayedDiscoverWithOption82(benchmark::State& state) {
  const auto bytes = readGolden("v4/crafted-option82-discover.hex");
  for (auto _ : state) {
    auto packet = decodePkt4(bytes);
    benchmark::DoNotOptimize(packet);
  }
}
BENCHMARK(BM_DecodeRelayedDiscoverWithOption82);

void BM_EncodeOffer4(benchmark::State& state) {
  const auto offer = decodePkt4(readGolden("v4/kea-offer.hex")).value();
  std::vector<uint8_t> out;
  for (auto _ : state) {
    encodePkt4(offer, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeOffer4);

// Runs the codec steps of one directly connected client's exchange: parse the frame, decode
// the DISCOVER, encode the OFFER and frame it.
void BM_RawDiscoverToFramedOffer4(benchmark::State& state) {
  const auto frame = readGolden("frame4/dhclient-discover.hex");
  const auto offer = decodePkt4(readGolden("v4/kea-offer.hex")).value();
  std::vector<uint8_t> payload;
  std::vector<uint8_t> out;
  for (auto _ : state) {
    auto received = decodeFrame4(frame);
    auto discover = decodePkt4(received->payload);
    benchmark::DoNotOptimize(discover);
    encodePkt4(offer, payload);
    Frame4 reply;
    reply.destination_mac = received->source_mac;
    reply.destination_address = offer.yiaddr;
    reply.source_port = 67;
    reply.destination_port = 68;
    reply.payload = payload;
    encodeFrame4(reply, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_RawDiscoverToFramedOffer4);

void BM_DecodeSolicit6(benchmark::State& state) {
  const auto bytes = readGolden("v6/dhclient-solicit.hex");
  for (auto _ : state) {
    auto packet = decodePkt6(bytes);
    benchmark::DoNotOptimize(packet);
  }
}
BENCHMARK(BM_DecodeSolicit6);

void BM_DecodeSolicitBehindTwoRelays6(benchmark::State& state) {
  const auto bytes = readGolden("v6/crafted-two-relays-solicit.hex");
  for (auto _ : state) {
    auto packet = decodePkt6(bytes);
    benchmark::DoNotOptimize(packet);
  }
}
BENCHMARK(BM_DecodeSolicitBehindTwoRelays6);

void BM_EncodeAdvertiseThroughTwoRelays6(benchmark::State& state) {
  const auto advertise = decodePkt6(readGolden("v6/kea-two-relays-advertise.hex")).value();
  std::vector<uint8_t> out;
  for (auto _ : state) {
    encodePkt6(advertise, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeAdvertiseThroughTwoRelays6);

}  // namespace
}  // namespace leasehold::packet

BENCHMARK_MAIN();

// DHCPv4 engine cost per exchange, in process: DISCOVER and REQUEST through the decoder, the
// engine (memfile store writing its lease file) and the encoder, for a new client each time.
// Run under callgrind to see where the server's CPU goes without the noise of a shared machine:
//   valgrind --tool=callgrind build/bin/engine_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <filesystem>

#include "backends/clock.h"
#include "backends/lease_store_registry.h"
#include "backends/memfile/memfile_lease_store.h"
#include "server/config/parser.h"
#include "server/dhcp4/engine4.h"
#include "server/dhcp4/runtime4.h"
#include "server/packet/pkt4.h"

namespace {

using namespace leasehold;

constexpr const char* kConfig = R"({"Dhcp4": {
  "valid-lifetime": 7200, "renew-timer": 1800, "rebind-timer": 3600,
  "subnet4": [ { "id": 1, "subnet": "10.64.0.0/10",
                 "pools": [ { "pool": "10.80.0.0 - 10.127.255.254" } ],
                 "option-data": [ { "name": "routers", "data": "10.64.0.1" } ] } ] }})";

std::vector<uint8_t> encodeQuery(packet::MessageType4 type, uint32_t client,
                                 std::optional<IPv4Address> requested) {
  packet::Pkt4 query;
  query.xid = client;
  query.giaddr = IPv4Address(0x0a400001);
  query.chaddr[0] = 0x02;
  query.chaddr[2] = static_cast<uint8_t>(client >> 24);
  query.chaddr[3] = static_cast<uint8_t>(client >> 16);
  query.chaddr[4] = static_cast<uint8_t>(client >> 8);
  query.chaddr[5] = static_cast<uint8_t>(client);
  const uint8_t message_type = static_cast<uint8_t>(type);
  query.options.add(packet::option4::kMessageType, {&message_type, 1});
  if (requested) {
    query.options.add(packet::option4::kRequestedAddress, requested->toBytes());
    query.options.add(packet::option4::kServerIdentifier, IPv4Address(0xc0000201).toBytes());
  }
  const uint8_t prl[] = {1, 3, 6, 15, 51, 54};
  query.options.add(packet::option4::kParameterRequestList, prl);
  std::vector<uint8_t> wire;
  packet::encodePkt4(query, wire);
  return wire;
}

void BM_DiscoverRequest(benchmark::State& state) {
  const auto directory = std::filesystem::temp_directory_path() / "leasehold-engine-bench";
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);

  auto json = config::parseKeaJsonText(kConfig, ".");
  auto parsed = config::parseDhcp4(*json, config::ParseContext{});
  LeaseStoreRegistry registry;
  registerMemfileLeaseStore(registry);
  DatabaseConfig database;
  database.type = "memfile";
  database.name = (directory / "leases4.csv").string();
  database.lfc_interval = std::chrono::seconds{0};
  auto store = std::move(*registry.open(database));
  SystemClock clock;
  stats::StatsRegistry stats;
  auto runtime = std::move(*dhcp4::Runtime4::build(*parsed, *store, stats, clock, 0));
  dhcp4::Engine4 engine(*store, clock);
  dhcp4::InterfaceAddresses interfaces;
  interfaces[2] = dhcp4::ServedInterface4{"eth0", IPv4Address(0xc0000201), {}};

  uint32_t client = 1;
  std::vector<uint8_t> reply_wire;
  for (auto _ : state) {
    dhcp4::DropReason drop;
    auto discover = packet::decodePkt4(encodeQuery(packet::MessageType4::kDiscover, client, {}));
    discover->transport.interface_index = 2;
    auto offer = engine.process(*runtime, *discover, interfaces, drop);
    packet::encodePkt4(offer->packet, reply_wire);
    auto request = packet::decodePkt4(
        encodeQuery(packet::MessageType4::kRequest, client, offer->packet.yiaddr));
    request->transport.interface_index = 2;
    auto ack = engine.process(*runtime, *request, interfaces, drop);
    packet::encodePkt4(ack->packet, reply_wire);
    benchmark::DoNotOptimize(reply_wire.data());
    ++client;
  }
  state.SetItemsProcessed(state.iterations());
  std::filesystem::remove_all(directory);
}
BENCHMARK(BM_DiscoverRequest);

}  // namespace

BENCHMARK_MAIN();

#include <gtest/gtest.h>

#include "tests/unit/dhcp4/engine4_fixture.h"

namespace leasehold::dhcp4::testing {
namespace {

using packet::MessageType4;

constexpr const char* kSingleSubnet = R"({
  "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet4": [ {
    "id": 1, "subnet": "192.0.2.0/24",
    "pools": [ { "pool": "192.0.2.10 - 192.0.2.19" } ],
    "option-data": [ { "name": "routers", "data": "192.0.2.1" },
                     { "name": "domain-name", "data": "example.org" },
                     { "name": "ntp-servers", "data": "192.0.2.5" } ],
    "reservations": [ { "hw-address": "aa:00:00:00:00:99", "ip-address": "192.0.2.50",
                        "hostname": "printer" },
                      { "hw-address": "aa:00:00:00:00:98", "ip-address": "192.0.2.15" } ]
  } ]
})";

std::optional<std::span<const uint8_t>> option(const Reply4& reply, uint8_t code) {
  return reply.packet.options.find(code);
}

TEST_F(Engine4Test, DiscoverOffersPoolAddressWithoutWritingLease) {
  configure(kSingleSubnet);
  const auto offer = discover("aa:00:00:00:00:01");
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(typeOf(*offer), MessageType4::kOffer);
  EXPECT_EQ(yiaddr(*offer), "192.0.2.10");
  EXPECT_FALSE(leaseAt("192.0.2.10").has_value());
  EXPECT_EQ(stat("pkt4-discover-received"), 1);
}

TEST_F(Engine4Test, RequestCommitsLeaseAndAcksWithOptions) {
  configure(kSingleSubnet);
  const auto ack = request("aa:00:00:00:00:01", "192.0.2.10");
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(typeOf(*ack), MessageType4::kAck);
  EXPECT_EQ(yiaddr(*ack), "192.0.2.10");

  const auto lease = leaseAt("192.0.2.10");
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ(lease->hwaddr.toString(), "aa:00:00:00:00:01");
  EXPECT_EQ(lease->valid_lifetime.count(), 4000);
  EXPECT_EQ(lease->subnet_id, 1u);
  EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
  EXPECT_EQ(stat("subnet[1].cumulative-assigned-addresses"), 1);

  const auto lease_time = option(*ack, packet::option4::kLeaseTime);
  ASSERT_TRUE(lease_time.has_value());
  EXPECT_EQ((*lease_time)[2], 4000 >> 8);
  EXPECT_TRUE(option(*ack, packet::option4::kRenewalTime).has_value());
  EXPECT_TRUE(option(*ack, packet::option4::kRebindingTime).has_value());
  EXPECT_TRUE(option(*ack, packet::option4::kSubnetMask).has_value());
  EXPECT_TRUE(option(*ack, packet::option4::kRouters).has_value());
  EXPECT_TRUE(option(*ack, 15).has_value());   // domain-name: sent unasked, as Kea does
  EXPECT_FALSE(option(*ack, 42).has_value());  // ntp-servers: not requested
  const auto server_id = option(*ack, packet::option4::kServerIdentifier);
  ASSERT_TRUE(server_id.has_value());
  EXPECT_EQ(IPv4Address::fromBytes(*server_id).toString(), "192.0.2.1");
}

TEST_F(Engine4Test, RequestedOptionIsSent) {
  configure(kSingleSubnet);
  packet::Pkt4 packet = query(MessageType4::kDiscover, "aa:00:00:00:00:01");
  const uint8_t requested[] = {1, 3, 42};
  packet.options.add(packet::option4::kParameterRequestList, requested);
  const auto offer = send(packet);
  ASSERT_TRUE(offer.has_value());
  const auto ntp = option(*offer, 42);
  ASSERT_TRUE(ntp.has_value());
  EXPECT_EQ(IPv4Address::fromBytes(*ntp).toString(), "192.0.2.5");
}

TEST_F(Engine4Test, RenewExtendsExpiryAndKeepsAddress) {
  configure(kSingleSubnet);
  const std::string address = obtain("aa:00:00:00:00:01");
  ASSERT_EQ(address, "192.0.2.10");
  const auto before = leaseAt(address);
  advanceClock(std::chrono::seconds{1500});
  const auto ack = renew("aa:00:00:00:00:01", address);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(typeOf(*ack), MessageType4::kAck);
  EXPECT_EQ(yiaddr(*ack), address);
  const auto after = leaseAt(address);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->expire() - before->expire(), std::chrono::seconds{1500});
  EXPECT_EQ(stat("subnet[1].assigned-addresses"), 1);
  EXPECT_EQ(stat("subnet[1].cumulative-assigned-addresses"), 1);
}

TEST_F(Engine4Test, ClientsGetDistinctAddresses) {
  configure(kSingleSubnet);
  EXPECT_EQ(obtain("aa:00:00:00:00:01"), "192.0.2.10");
  EXPECT_EQ(obtain("aa:00:00:00:00:02"), "192.0.2.11");
  // The first client asking again gets its own address back.
  const auto offer = discover("aa:00:00:00:00:01");
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(yiaddr(*offer), "192.0.2.10");
}

TEST_F(Engine4Test, RequestForAddressHeldByAnotherClientIsNaked) {
  configure(kSingleSubnet);
  ASSERT_EQ(obtain("aa:00:00:00:00:01"), "192.0.2.10");
  const auto reply = request("aa:00:00:00:00:02", "192.0.2.10");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(typeOf(*reply), MessageType4::kNak);
  EXPECT_EQ(leaseAt("192.0.2.10")->hwaddr.toString(), "aa:00:00:00:00:01");
}

TEST_F(Engine4Test, RequestOutsideEveryPoolIsNaked) {
  configure(kSingleSubnet);
  const auto reply = request("aa:00:00:00:00:01", "192.0.2.200");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(typeOf(*reply), MessageType4::kNak);
  EXPECT_FALSE(leaseAt("192.0.2.200").has_value());
}

TEST_F(Engine4Test, ReleaseDeletesLeaseAndFreesAddress) {
  configure(kSingleSubnet);
  ASSERT_EQ(obtain("aa:00:00:00:00:01"), "192.0.2.10");
  release("aa:00:00:00:00:01", "192.0.2.10");
  EXPECT_FALSE(leaseAt("192.0.2.10").has_value());
  EXPECT_EQ(stat("subnet[1].assigned-addresses"), 0);
  EXPECT_EQ(stat("pkt4-release-received"), 1);
}

TEST_F(Engine4Test, ReleaseFromAnotherClientIsIgnored) {
  configure(kSingleSubnet);
  ASSERT_EQ(obtain("aa:00:00:00:00:01"), "192.0.2.10");
  release("aa:00:00:00:00:02", "192.0.2.10");
  EXPECT_TRUE(leaseAt("192.0.2.10").has_value());
}

TEST_F(Engine4Test, DeclineHoldsAddressForProbation) {
  configure(kSingleSubnet);
  ASSERT_EQ(obtain("aa:00:00:00:00:01"), "192.0.2.10");
  decline("aa:00:00:00:00:01", "192.0.2.10");
  const auto lease = leaseAt("192.0.2.10");
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ(lease->state, LeaseState::kDeclined);
  EXPECT_TRUE(lease->hwaddr.empty());
  EXPECT_EQ(lease->valid_lifetime.count(), 86400);
  EXPECT_EQ(stat("declined-addresses"), 1);
  EXPECT_EQ(stat("subnet[1].declined-addresses"), 1);
  // Another client is not offered the declined address.
  const auto offer = discover("aa:00:00:00:00:02", "192.0.2.10");
  ASSERT_TRUE(offer.has_value());
  EXPECT_NE(yiaddr(*offer), "192.0.2.10");
}

TEST_F(Engine4Test, ReservedAddressGoesOnlyToItsHost) {
  configure(kSingleSubnet);
  // 192.0.2.15 is inside the pool but reserved: dynamic clients never get it.
  for (int i = 0; i < 9; ++i) {
    const std::string mac = "aa:00:00:00:01:0" + std::to_string(i);
    const std::string address = obtain(mac);
    ASSERT_FALSE(address.empty()) << mac;
    EXPECT_NE(address, "192.0.2.15");
  }
  EXPECT_EQ(obtain("aa:00:00:00:00:98"), "192.0.2.15");
  // Out-of-pool reservation with a host name.
  const auto ack = request("aa:00:00:00:00:99", "192.0.2.50");
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(typeOf(*ack), MessageType4::kAck);
  EXPECT_EQ(leaseAt("192.0.2.50")->hostname, "printer");
}

TEST_F(Engine4Test, FullPoolStopsOfferingAndCountsFailure) {
  configure(R"({ "valid-lifetime": 600, "subnet4": [ { "id": 7, "subnet": "10.0.0.0/24",
                 "interface": "eth0", "pools": [ { "pool": "10.0.0.1 - 10.0.0.3" } ] } ] })");
  EXPECT_EQ(obtain("aa:00:00:00:00:01"), "10.0.0.1");
  EXPECT_EQ(obtain("aa:00:00:00:00:02"), "10.0.0.2");
  EXPECT_EQ(obtain("aa:00:00:00:00:03"), "10.0.0.3");
  EXPECT_FALSE(discover("aa:00:00:00:00:04").has_value());
  EXPECT_EQ(stat("v4-allocation-fail"), 1);
  EXPECT_EQ(stat("subnet[7].v4-allocation-fail-subnet"), 1);
}

TEST_F(Engine4Test, ExpiredLeaseIsReusedWhenPoolIsFull) {
  configure(R"({ "valid-lifetime": 600, "subnet4": [ { "id": 7, "subnet": "10.0.0.0/24",
                 "interface": "eth0", "pools": [ { "pool": "10.0.0.1 - 10.0.0.1" } ] } ] })");
  ASSERT_EQ(obtain("aa:00:00:00:00:01"), "10.0.0.1");
  EXPECT_FALSE(discover("aa:00:00:00:00:02").has_value());
  advanceClock(std::chrono::seconds{601});
  EXPECT_EQ(obtain("aa:00:00:00:00:02"), "10.0.0.1");
  EXPECT_EQ(leaseAt("10.0.0.1")->hwaddr.toString(), "aa:00:00:00:00:02");
  EXPECT_EQ(stat("reclaimed-leases"), 1);
  EXPECT_EQ(stat("subnet[7].assigned-addresses"), 1);
}

TEST_F(Engine4Test, InitRebootOfUnknownClientIsSilentUnlessAuthoritative) {
  configure(kSingleSubnet);
  EXPECT_FALSE(initReboot("aa:00:00:00:00:01", "192.0.2.12").has_value());
  EXPECT_EQ(last_drop_, DropReason::kUnknownClient);

  configure(R"({ "authoritative": true, "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24",
                 "pools": [ { "pool": "192.0.2.10 - 192.0.2.19" } ] } ] })");
  const auto nak = initReboot("aa:00:00:00:00:01", "10.9.9.9");
  ASSERT_TRUE(nak.has_value());
  EXPECT_EQ(typeOf(*nak), MessageType4::kNak);
}

TEST_F(Engine4Test, InitRebootOfKnownClientIsAcked) {
  configure(kSingleSubnet);
  ASSERT_EQ(obtain("aa:00:00:00:00:01"), "192.0.2.10");
  const auto ack = initReboot("aa:00:00:00:00:01", "192.0.2.10");
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(typeOf(*ack), MessageType4::kAck);
}

TEST_F(Engine4Test, RelayedDiscoverUsesGiaddrSubnetAndEchoesAgentOption) {
  configure(R"({ "subnet4": [
      { "id": 1, "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.10 - 192.0.2.19" } ] },
      { "id": 2, "subnet": "10.1.0.0/16", "pools": [ { "pool": "10.1.0.100 - 10.1.0.200" } ] } ] })");
  packet::Pkt4 packet = query(MessageType4::kDiscover, "aa:00:00:00:00:01");
  packet.giaddr = *IPv4Address::parse("10.1.0.1");
  packet.transport.remote_address = packet.giaddr;
  packet.transport.remote_port = 67;
  const uint8_t agent[] = {packet::rai::kCircuitId, 3, 'p', '1', '7'};
  packet.options.add(packet::option4::kRelayAgentInformation, agent);
  const auto offer = send(packet);
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(yiaddr(*offer), "10.1.0.100");
  EXPECT_EQ(offer->destination.address.toString(), "10.1.0.1");
  EXPECT_EQ(offer->destination.port, 67);
  const auto echoed = option(*offer, packet::option4::kRelayAgentInformation);
  ASSERT_TRUE(echoed.has_value());
  EXPECT_TRUE(std::equal(echoed->begin(), echoed->end(), std::begin(agent), std::end(agent)));
  // The agent option comes last (RFC 3046 section 2.2).
  EXPECT_EQ(offer->packet.options.entries().back().code, packet::option4::kRelayAgentInformation);
}

TEST_F(Engine4Test, ClientIdentifierFindsLeaseAcrossHardwareChange) {
  configure(kSingleSubnet);
  packet::Pkt4 first = query(MessageType4::kRequest, "aa:00:00:00:00:01");
  const uint8_t client_id[] = {1, 0xaa, 0, 0, 0, 0, 0x01};
  first.options.add(packet::option4::kClientIdentifier, client_id);
  first.options.add(packet::option4::kRequestedAddress, IPv4Address::parse("192.0.2.12")->toBytes());
  first.options.add(packet::option4::kServerIdentifier, IPv4Address::parse("192.0.2.1")->toBytes());
  ASSERT_TRUE(send(first).has_value());

  packet::Pkt4 second = query(MessageType4::kDiscover, "aa:00:00:00:00:77");
  second.options.add(packet::option4::kClientIdentifier, client_id);
  const auto offer = send(second);
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(yiaddr(*offer), "192.0.2.12");
  // RFC 6842: the client identifier is echoed.
  EXPECT_TRUE(option(*offer, packet::option4::kClientIdentifier).has_value());
}

TEST_F(Engine4Test, SharedNetworkUsesSecondSubnetWhenFirstIsFull) {
  configure(R"({ "valid-lifetime": 600, "shared-networks": [ { "name": "floor1",
      "interface": "eth0", "subnet4": [
        { "id": 10, "subnet": "10.10.0.0/24", "pools": [ { "pool": "10.10.0.1 - 10.10.0.1" } ] },
        { "id": 11, "subnet": "10.11.0.0/24", "pools": [ { "pool": "10.11.0.1 - 10.11.0.1" } ] } ] } ] })");
  EXPECT_EQ(obtain("aa:00:00:00:00:01"), "10.10.0.1");
  EXPECT_EQ(obtain("aa:00:00:00:00:02"), "10.11.0.1");
  EXPECT_EQ(leaseAt("10.11.0.1")->subnet_id, 11u);
  EXPECT_EQ(stat("subnet[11].assigned-addresses"), 1);
}

TEST_F(Engine4Test, InformGetsOptionsWithoutLease) {
  configure(kSingleSubnet);
  packet::Pkt4 packet = query(MessageType4::kInform, "aa:00:00:00:00:01");
  packet.ciaddr = *IPv4Address::parse("192.0.2.77");
  packet.transport.local_address = *IPv4Address::parse("192.0.2.1");
  const auto ack = send(packet);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(typeOf(*ack), MessageType4::kAck);
  EXPECT_TRUE(ack->packet.yiaddr.isZero());
  EXPECT_FALSE(option(*ack, packet::option4::kLeaseTime).has_value());
  EXPECT_TRUE(option(*ack, packet::option4::kRouters).has_value());
  EXPECT_EQ(ack->destination.address.toString(), "192.0.2.77");
}

TEST_F(Engine4Test, RequestForAnotherServerIsDropped) {
  configure(kSingleSubnet);
  packet::Pkt4 packet = query(MessageType4::kRequest, "aa:00:00:00:00:01");
  packet.options.add(packet::option4::kRequestedAddress, IPv4Address::parse("192.0.2.10")->toBytes());
  packet.options.add(packet::option4::kServerIdentifier, IPv4Address::parse("192.0.2.254")->toBytes());
  EXPECT_FALSE(send(packet).has_value());
  EXPECT_EQ(last_drop_, DropReason::kNotForUs);
  EXPECT_FALSE(leaseAt("192.0.2.10").has_value());
}

TEST_F(Engine4Test, OfferToAddresslessClientGoesByLinkLayer) {
  configure(kSingleSubnet);
  const auto offer = discover("aa:00:00:00:00:01");
  ASSERT_TRUE(offer.has_value());
  EXPECT_TRUE(offer->destination.link_layer);
  EXPECT_EQ(offer->destination.address.toString(), "192.0.2.10");
  EXPECT_EQ(offer->destination.mac[5], 0x01);

  packet::Pkt4 broadcast = query(MessageType4::kDiscover, "aa:00:00:00:00:02");
  broadcast.flags = packet::kBroadcastFlag;
  const auto broadcast_offer = send(broadcast);
  ASSERT_TRUE(broadcast_offer.has_value());
  EXPECT_FALSE(broadcast_offer->destination.link_layer);
  EXPECT_EQ(broadcast_offer->destination.address.toString(), "255.255.255.255");
}

}  // namespace
}  // namespace leasehold::dhcp4::testing

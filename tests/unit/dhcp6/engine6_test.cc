#include <gtest/gtest.h>

#include "tests/unit/dhcp6/engine6_fixture.h"

namespace leasehold::dhcp6::testing {
namespace {

using packet::MessageType6;
using packet::StatusCode6;
using packet::option6::kIaNa;
using packet::option6::kIaPd;

constexpr const char* kConfig = R"({
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet6": [ {
    "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
    "pools": [ { "pool": "2001:db8:1::10 - 2001:db8:1::12" } ],
    "pd-pools": [ { "prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 60 } ],
    "option-data": [ { "name": "dns-servers", "data": "2001:db8::53" } ],
    "reservations": [ { "duid": "00:03:00:01:02:00:00:00:00:63",
                        "ip-addresses": [ "2001:db8:1::99" ], "hostname": "host99" } ]
  } ]
})";

TEST_F(Engine6Test, SolicitAdvertisesAddressAndPrefixWithoutWriting) {
  configure(kConfig);
  const auto advertise = solicit(1, {{kIaNa, 1}, {kIaPd, 2}});
  ASSERT_TRUE(advertise.has_value());
  EXPECT_EQ(advertise->packet.type, MessageType6::kAdvertise);
  const auto na = ias(*advertise, kIaNa);
  ASSERT_EQ(na.size(), 1u);
  ASSERT_EQ(na[0].addresses.size(), 1u);
  EXPECT_EQ(na[0].addresses[0], "2001:db8:1::10");
  EXPECT_EQ(na[0].t1, 1000u);
  EXPECT_EQ(na[0].t2, 2000u);
  const auto pd = ias(*advertise, kIaPd);
  ASSERT_EQ(pd.size(), 1u);
  ASSERT_EQ(pd[0].addresses.size(), 1u);
  EXPECT_EQ(pd[0].addresses[0], "2001:db8:8::/60");
  EXPECT_FALSE(leaseAt("2001:db8:1::10").has_value());
  EXPECT_TRUE(advertise->packet.options.contains(packet::option6::kServerId));
  EXPECT_TRUE(advertise->packet.options.contains(packet::option6::kClientId));
}

TEST_F(Engine6Test, RequestCommitsBothLeases) {
  configure(kConfig);
  const auto reply = request(1, {{kIaNa, 1}, {kIaPd, 2}});
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->packet.type, MessageType6::kReply);
  const auto address = leaseAt("2001:db8:1::10");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->iaid, 1u);
  EXPECT_EQ(address->type, LeaseType::kNa);
  EXPECT_EQ(address->valid_lifetime.count(), 4000);
  EXPECT_EQ(address->preferred_lifetime.count(), 3000);
  const auto prefix = leaseAt("2001:db8:8::");
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->type, LeaseType::kPd);
  EXPECT_EQ(prefix->prefix_length, 60);
  EXPECT_EQ(stat("subnet[1].assigned-nas"), 1);
  EXPECT_EQ(stat("subnet[1].assigned-pds"), 1);
  EXPECT_EQ(stat("subnet[1].total-pds"), 16);
  EXPECT_EQ(stat("subnet[1].total-nas"), 3);
}

TEST_F(Engine6Test, RequestForAdvertisedAddressClaimsIt) {
  configure(kConfig);
  const auto reply = request(1, {{kIaNa, 1, "2001:db8:1::11"}});
  ASSERT_TRUE(reply.has_value());
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na.size(), 1u);
  ASSERT_EQ(na[0].addresses.size(), 1u);
  EXPECT_EQ(na[0].addresses[0], "2001:db8:1::11");
  EXPECT_EQ(na[0].t1, 1000u);
  ASSERT_TRUE(leaseAt("2001:db8:1::11").has_value());
  EXPECT_EQ(stat("subnet[1].assigned-nas"), 1);
  EXPECT_EQ(stat("cumulative-assigned-nas"), 1);
}

TEST_F(Engine6Test, RequestForAnotherAddressKeepsTheIasLease) {
  configure(kConfig);
  ASSERT_TRUE(request(1, {{kIaNa, 1, "2001:db8:1::10"}}).has_value());
  const auto reply = request(1, {{kIaNa, 1, "2001:db8:1::12"}});
  ASSERT_TRUE(reply.has_value());
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na.size(), 1u);
  ASSERT_EQ(na[0].addresses.size(), 1u);
  EXPECT_EQ(na[0].addresses[0], "2001:db8:1::10");
  EXPECT_FALSE(leaseAt("2001:db8:1::12").has_value());
  EXPECT_EQ(stat("subnet[1].assigned-nas"), 1);
}

TEST_F(Engine6Test, RequestForTakenAddressGetsAnother) {
  configure(kConfig);
  ASSERT_TRUE(request(1, {{kIaNa, 1, "2001:db8:1::11"}}).has_value());
  const auto reply = request(2, {{kIaNa, 1, "2001:db8:1::11"}});
  ASSERT_TRUE(reply.has_value());
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na.size(), 1u);
  ASSERT_EQ(na[0].addresses.size(), 1u);
  EXPECT_NE(na[0].addresses[0], "2001:db8:1::11");
  EXPECT_EQ(leaseAt("2001:db8:1::11")->duid, duidOf(1));
  EXPECT_EQ(stat("subnet[1].assigned-nas"), 2);
}

TEST_F(Engine6Test, RequestWithWrongServerIdIsDropped) {
  configure(kConfig);
  packet::Pkt6 packet = query(MessageType6::kRequest, 1, {{kIaNa, 1}}, false);
  packet.options.add(packet::option6::kServerId, std::vector<uint8_t>{0, 3, 0, 1, 9, 9, 9, 9, 9, 9});
  EXPECT_FALSE(send(packet).has_value());
  EXPECT_EQ(last_drop_, DropReason::kNotForUs);
}

TEST_F(Engine6Test, RapidCommitSolicitGetsCommittedReply) {
  configure(R"({ "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
      "rapid-commit": true, "pools": [ { "pool": "2001:db8:1::/120" } ] } ] })");
  const auto reply = solicit(1, {{kIaNa, 1}}, true);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->packet.type, MessageType6::kReply);
  EXPECT_TRUE(reply->packet.options.contains(packet::option6::kRapidCommit));
  EXPECT_TRUE(leaseAt(ias(*reply, kIaNa)[0].addresses[0]).has_value());
}

TEST_F(Engine6Test, RenewExtendsLease) {
  configure(kConfig);
  ASSERT_TRUE(request(1, {{kIaNa, 1}}).has_value());
  const auto before = leaseAt("2001:db8:1::10");
  advanceClock(std::chrono::seconds{1000});
  const auto reply = renew(1, {{kIaNa, 1, "2001:db8:1::10"}});
  ASSERT_TRUE(reply.has_value());
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na.size(), 1u);
  ASSERT_EQ(na[0].addresses.size(), 1u);
  EXPECT_EQ(na[0].addresses[0], "2001:db8:1::10");
  EXPECT_EQ(leaseAt("2001:db8:1::10")->expire() - before->expire(), std::chrono::seconds{1000});
  EXPECT_EQ(stat("subnet[1].assigned-nas"), 1);
}

TEST_F(Engine6Test, RebindWithoutBindingAssignsNewLease) {
  configure(kConfig);
  const auto reply = rebind(1, {{kIaNa, 5}});
  ASSERT_TRUE(reply.has_value());
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na.size(), 1u);
  EXPECT_EQ(na[0].addresses.size(), 1u);
}

TEST_F(Engine6Test, FullPoolAnswersNoAddrsAvail) {
  configure(kConfig);
  ASSERT_TRUE(request(1, {{kIaNa, 1}}).has_value());
  ASSERT_TRUE(request(2, {{kIaNa, 1}}).has_value());
  ASSERT_TRUE(request(3, {{kIaNa, 1}}).has_value());
  const auto reply = request(4, {{kIaNa, 1}});
  ASSERT_TRUE(reply.has_value());
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na.size(), 1u);
  EXPECT_TRUE(na[0].addresses.empty());
  EXPECT_EQ(na[0].status, StatusCode6::kNoAddrsAvail);
  EXPECT_EQ(stat("v6-allocation-fail"), 1);
}

TEST_F(Engine6Test, ReleaseRemovesLeaseAndUnknownIaGetsNoBinding) {
  configure(kConfig);
  ASSERT_TRUE(request(1, {{kIaNa, 1}}).has_value());
  const auto reply = release(1, {{kIaNa, 1, "2001:db8:1::10"}, {kIaNa, 9, "2001:db8:1::11"}});
  ASSERT_TRUE(reply.has_value());
  EXPECT_FALSE(leaseAt("2001:db8:1::10").has_value());
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na.size(), 2u);
  EXPECT_EQ(na[0].status, StatusCode6::kSuccess);
  EXPECT_EQ(na[1].status, StatusCode6::kNoBinding);
  EXPECT_EQ(stat("subnet[1].assigned-nas"), 0);
}

TEST_F(Engine6Test, DeclineHoldsAddressForProbation) {
  configure(kConfig);
  ASSERT_TRUE(request(1, {{kIaNa, 1}}).has_value());
  const auto reply = send(query(MessageType6::kDecline, 1, {{kIaNa, 1, "2001:db8:1::10"}}, true));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(topStatus(*reply), StatusCode6::kSuccess);
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na.size(), 1u);
  EXPECT_EQ(na[0].status, StatusCode6::kSuccess);
  const auto lease = leaseAt("2001:db8:1::10");
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ(lease->state, LeaseState::kDeclined);
  EXPECT_NE(lease->duid, duidOf(1));
  EXPECT_EQ(stat("subnet[1].declined-addresses"), 1);

  // The declined address is not offered to the next client.
  const auto next = solicit(2, {{kIaNa, 1}});
  ASSERT_TRUE(next.has_value());
  const auto offered = ias(*next, kIaNa);
  ASSERT_EQ(offered[0].addresses.size(), 1u);
  EXPECT_NE(offered[0].addresses[0], "2001:db8:1::10");
}

TEST_F(Engine6Test, DuidLongerThanStoresKeepIsDropped) {
  configure(kConfig);
  packet::Pkt6 packet = query(MessageType6::kSolicit, 1, {{kIaNa, 1}}, false);
  std::vector<uint8_t> long_duid(kMaxDuidLength + 1, 0x42);
  long_duid[0] = 0;
  long_duid[1] = 4;  // DUID-UUID type, with an over-long body
  packet.options.remove(packet::option6::kClientId);
  packet.options.add(packet::option6::kClientId, long_duid);
  EXPECT_FALSE(send(packet).has_value());
  EXPECT_EQ(stat("pkt6-receive-drop"), 1);
}

TEST_F(Engine6Test, ReservedAddressGoesToItsHost) {
  configure(kConfig);
  const auto reply = request(0x63, {{kIaNa, 1}});
  ASSERT_TRUE(reply.has_value());
  const auto na = ias(*reply, kIaNa);
  ASSERT_EQ(na[0].addresses.size(), 1u);
  EXPECT_EQ(na[0].addresses[0], "2001:db8:1::99");
  EXPECT_EQ(leaseAt("2001:db8:1::99")->hostname, "host99");
}

TEST_F(Engine6Test, RequestedOptionIsSent) {
  configure(kConfig);
  packet::Pkt6 packet = query(MessageType6::kSolicit, 1, {{kIaNa, 1}}, false);
  const uint8_t oro[] = {0, 23};
  packet.options.add(packet::option6::kOro, oro);
  const auto advertise = send(packet);
  ASSERT_TRUE(advertise.has_value());
  const auto dns = advertise->packet.options.find(23);
  ASSERT_TRUE(dns.has_value());
  EXPECT_EQ(IPv6Address::fromBytes(*dns).toString(), "2001:db8::53");
}

TEST_F(Engine6Test, RelayedSolicitIsAnsweredThroughTheRelayChain) {
  configure(R"({ "subnet6": [ { "id": 4, "subnet": "2001:db8:4::/64",
      "pools": [ { "pool": "2001:db8:4::100 - 2001:db8:4::1ff" } ] } ] })");
  packet::Pkt6 packet = query(MessageType6::kSolicit, 1, {{kIaNa, 1}}, false);
  packet::RelayInfo6 outer;
  outer.hop_count = 1;
  outer.link_address = *IPv6Address::parse("2001:db8:ffff::1");
  outer.peer_address = *IPv6Address::parse("fe80::1");
  packet::RelayInfo6 inner;
  inner.link_address = *IPv6Address::parse("2001:db8:4::1");
  inner.peer_address = *IPv6Address::parse("fe80::200:ff:fe00:1");
  const uint8_t interface_id[] = {'p', 'o', 'r', 't', '7'};
  inner.options.add(packet::option6::kInterfaceId, interface_id);
  inner.options.add(packet::option6::kRemoteId, std::vector<uint8_t>{0, 0, 0, 9, 1});
  packet.relays = {outer, inner};
  packet.transport.remote_address = *IPv6Address::parse("2001:db8:ffff::1");
  packet.transport.remote_port = 547;
  packet.transport.received_unicast = true;

  const auto reply = send(packet);
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->packet.relays.size(), 2u);
  EXPECT_EQ(reply->packet.relays[1].link_address.toString(), "2001:db8:4::1");
  EXPECT_TRUE(reply->packet.relays[1].options.contains(packet::option6::kInterfaceId));
  EXPECT_FALSE(reply->packet.relays[1].options.contains(packet::option6::kRemoteId));
  EXPECT_EQ(reply->destination.address.toString(), "2001:db8:ffff::1");
  EXPECT_EQ(reply->destination.port, 547);
  EXPECT_EQ(ias(*reply, kIaNa)[0].addresses[0], "2001:db8:4::100");
}

TEST_F(Engine6Test, UnicastRequestWithoutUnicastConfiguredGetsUseMulticast) {
  configure(kConfig);
  packet::Pkt6 packet = query(MessageType6::kRequest, 1, {{kIaNa, 1}}, true);
  packet.transport.received_unicast = true;
  packet.transport.local_address = *IPv6Address::parse("2001:db8:1::1");
  const auto reply = send(packet);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(topStatus(*reply), StatusCode6::kUseMulticast);
  EXPECT_FALSE(leaseAt("2001:db8:1::10").has_value());
}

TEST_F(Engine6Test, ConfirmReportsNotOnLink) {
  configure(kConfig);
  packet::Pkt6 on_link = query(MessageType6::kConfirm, 1, {{kIaNa, 1, "2001:db8:1::10"}}, false);
  const auto success = send(on_link);
  ASSERT_TRUE(success.has_value());
  EXPECT_EQ(topStatus(*success), StatusCode6::kSuccess);

  packet::Pkt6 off_link = query(MessageType6::kConfirm, 1, {{kIaNa, 1, "2001:db8:99::10"}}, false);
  const auto not_on_link = send(off_link);
  ASSERT_TRUE(not_on_link.has_value());
  EXPECT_EQ(topStatus(*not_on_link), StatusCode6::kNotOnLink);
}

TEST_F(Engine6Test, PrefixHintLengthSelectsMatchingPool) {
  configure(R"({ "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
      "pd-pools": [ { "prefix": "2001:db8:a::", "prefix-len": 48, "delegated-len": 56 },
                    { "prefix": "2001:db8:b::", "prefix-len": 48, "delegated-len": 64 } ] } ] })");
  const auto reply = request(1, {{kIaPd, 1, "::/64"}});
  ASSERT_TRUE(reply.has_value());
  const auto pd = ias(*reply, kIaPd);
  ASSERT_EQ(pd[0].addresses.size(), 1u);
  EXPECT_EQ(pd[0].addresses[0], "2001:db8:b::/64");
}

TEST_F(Engine6Test, PdExcludeSentWhenRequested) {
  configure(R"({ "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
      "pd-pools": [ { "prefix": "2001:db8:abcd::", "prefix-len": 48, "delegated-len": 64,
                      "excluded-prefix": "2001:db8:abcd:0:1234::",
                      "excluded-prefix-len": 80 } ] } ] })");
  const std::vector<uint8_t> expected = {80, 0x12, 0x34};  // length, then bits 64 to 79

  for (uint8_t client = 1; client <= 2; ++client) {
    packet::Pkt6 packet = query(MessageType6::kRequest, client, {{kIaPd, 1}}, true);
    packet.options.add(packet::option6::kOro, std::vector<uint8_t>{0, packet::option6::kPdExclude});
    const auto reply = send(packet);
    ASSERT_TRUE(reply.has_value());
    const auto pd = ias(*reply, kIaPd);
    ASSERT_EQ(pd.size(), 1u);
    ASSERT_EQ(pd[0].pd_excludes.size(), 1u);
    EXPECT_EQ(pd[0].pd_excludes[0], expected) << "client " << int(client);
  }
}

TEST_F(Engine6Test, PdExcludeOmittedWhenNotRequested) {
  configure(R"({ "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
      "pd-pools": [ { "prefix": "2001:db8:abcd::", "prefix-len": 48, "delegated-len": 64,
                      "excluded-prefix": "2001:db8:abcd:0:1234::",
                      "excluded-prefix-len": 80 } ] } ] })");
  const auto reply = request(1, {{kIaPd, 1}});
  ASSERT_TRUE(reply.has_value());
  const auto pd = ias(*reply, kIaPd);
  ASSERT_EQ(pd.size(), 1u);
  ASSERT_EQ(pd[0].pd_excludes.size(), 1u);
  EXPECT_TRUE(pd[0].pd_excludes[0].empty());
}

TEST_F(Engine6Test, PdExcludeFromReservationUsesOddBitCount) {
  configure(R"({ "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
      "pd-pools": [ { "prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 60 } ],
      "reservations": [ { "duid": "00:03:00:01:02:00:00:00:00:01",
                          "prefixes": [ "2001:db8:9::/56" ],
                          "excluded-prefixes": [ "2001:db8:9:a0::/59" ] } ] } ] })");
  packet::Pkt6 packet = query(MessageType6::kRequest, 1, {{kIaPd, 1}}, true);
  packet.options.add(packet::option6::kOro, std::vector<uint8_t>{0, packet::option6::kPdExclude});
  const auto reply = send(packet);
  ASSERT_TRUE(reply.has_value());
  const auto pd = ias(*reply, kIaPd);
  ASSERT_EQ(pd.size(), 1u);
  ASSERT_EQ(pd[0].addresses.size(), 1u);
  EXPECT_EQ(pd[0].addresses[0], "2001:db8:9::/56");
  // Bits 56 to 58 of 2001:db8:9:a0:: are 101, left-aligned in one octet: 0xa0.
  EXPECT_EQ(pd[0].pd_excludes[0], (std::vector<uint8_t>{59, 0xa0}));
}

TEST_F(Engine6Test, ReservedPrefixOutsidePoolsIsDelegatedAndRenewed) {
  configure(R"({ "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
      "pd-pools": [ { "prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 60 } ],
      "reservations": [ { "duid": "00:03:00:01:02:00:00:00:00:01",
                          "prefixes": [ "2001:db8:9::/56" ] } ] } ] })");
  const auto reply = request(1, {{kIaPd, 1}});
  ASSERT_TRUE(reply.has_value());
  const auto granted = ias(*reply, kIaPd);
  ASSERT_EQ(granted.size(), 1u);
  ASSERT_EQ(granted[0].addresses.size(), 1u);
  EXPECT_EQ(granted[0].addresses[0], "2001:db8:9::/56");
  ASSERT_TRUE(leaseAt("2001:db8:9::").has_value());

  const auto renewed = renew(1, {{kIaPd, 1, "2001:db8:9::/56"}});
  ASSERT_TRUE(renewed.has_value());
  const auto extended = ias(*renewed, kIaPd);
  ASSERT_EQ(extended.size(), 1u);
  ASSERT_EQ(extended[0].addresses.size(), 1u);
  EXPECT_EQ(extended[0].addresses[0], "2001:db8:9::/56");
  EXPECT_GT(extended[0].valid_lifetimes[0], 0u);
}

}  // namespace
}  // namespace leasehold::dhcp6::testing

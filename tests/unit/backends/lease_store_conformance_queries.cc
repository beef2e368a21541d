// Conformance checks for find, findExpired and findUnleased.
#include <algorithm>
#include <cctype>
#include <functional>
#include <iterator>
#include <span>

#include "tests/unit/backends/lease_store_conformance.h"
#include "tests/unit/backends/lease_store_test_vocabulary.h"

namespace leasehold::testing {
namespace {

using Code = StoreError::Code;

constexpr LeaseState kEveryState[] = {LeaseState::kDefault, LeaseState::kDeclined,
                                      LeaseState::kExpiredReclaimed, LeaseState::kReleased,
                                      LeaseState::kRegistered};

std::string lowercase(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// Flips the case of every other letter, so a query differs from the stored name only in case.
std::string mixCase(std::string text) {
  for (size_t i = 0; i < text.size(); i += 2) {
    const auto c = static_cast<unsigned char>(text[i]);
    text[i] = static_cast<char>(std::islower(c) ? std::toupper(c) : std::tolower(c));
  }
  return text;
}

// Returns whether `lease` matches `query` by brute force, the oracle for the store's results.
bool matchesCommon(const auto& lease, const auto& query) {
  if (query.hwaddr && lease.hwaddr != *query.hwaddr) {
    return false;
  }
  if (query.hostname && lowercase(lease.hostname) != lowercase(*query.hostname)) {
    return false;
  }
  if (query.subnet_id && lease.subnet_id != *query.subnet_id) {
    return false;
  }
  if (query.state && lease.state != *query.state) {
    return false;
  }
  return !query.after || lease.address > *query.after;
}

bool matches(const Lease4& lease, const LeaseQuery4& query) {
  if (query.client_id && lease.client_id != *query.client_id) {
    return false;
  }
  return matchesCommon(lease, query);
}

bool matches(const Lease6& lease, const LeaseQuery6& query) {
  if (query.duid && lease.duid != *query.duid) {
    return false;
  }
  if (query.iaid && lease.iaid != *query.iaid) {
    return false;
  }
  if (query.type && lease.type != *query.type) {
    return false;
  }
  return matchesCommon(lease, query);
}

template <typename LeaseT, typename Query>
std::vector<LeaseT> bruteForceFind(const std::vector<LeaseT>& sorted_leases, const Query& query) {
  std::vector<LeaseT> found;
  for (const auto& lease : sorted_leases) {
    if (query.limit != 0 && found.size() == query.limit) {
      break;
    }
    if (matches(lease, query)) {
      found.push_back(lease);
    }
  }
  return found;
}

// Leases whose fields overlap in many ways: each field cycles with a different period, so every
// combination of criteria selects a different subset. Ascending by address.
std::vector<Lease4> overlappingLeases4() {
  std::vector<Lease4> leases;
  for (uint32_t i = 0; i < 30; ++i) {
    Lease4 lease = Family<Lease4>::lease(3 * i + 1);
    lease.hwaddr = HwAddr{static_cast<uint16_t>(i % 7 == 3 ? 6 : 1),
                          {0x02, 0x00, 0x00, 0x00, 0x00, static_cast<uint8_t>(i % 5)}};
    lease.client_id.clear();
    if ((i / 2) % 4 != 3) {
      lease.client_id = {0x01, 0xaa, static_cast<uint8_t>((i / 2) % 4)};
    }
    const uint32_t host = i % 6;
    lease.hostname = host == 5 ? "" : "host-" + std::to_string(host) + ".example.org";
    if (i % 2 == 1) {
      lease.hostname = mixCase(lease.hostname);
    }
    lease.subnet_id = 1 + i % 3;
    lease.state = kEveryState[i % 4];
    leases.push_back(lease);
  }
  return leases;
}

std::vector<Lease6> overlappingLeases6() {
  std::vector<Lease6> leases;
  for (uint32_t i = 0; i < 30; ++i) {
    Lease6 lease = Family<Lease6>::lease(3 * i + 1);
    lease.duid = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, static_cast<uint8_t>(i % 4)};
    lease.iaid = i % 3;
    lease.type = LeaseType::kNa;
    if (i % 5 == 0) {
      lease.type = LeaseType::kPd;
      lease.prefix_length = 120;
    } else if (i % 5 == 1) {
      lease.type = LeaseType::kTa;
    }
    lease.hwaddr = HwAddr{};
    lease.hwaddr_source = 0;
    if (i % 6 != 5) {
      lease.hwaddr = HwAddr{static_cast<uint16_t>(i % 7 == 3 ? 6 : 1),
                            {0x02, 0x00, 0x00, 0x00, 0x00, static_cast<uint8_t>(i % 5)}};
    }
    const uint32_t host = i % 6;
    lease.hostname = host == 4 ? "" : "host-" + std::to_string(host) + ".example.org";
    if (i % 2 == 1) {
      lease.hostname = mixCase(lease.hostname);
    }
    lease.subnet_id = 1 + i % 3;
    lease.state = kEveryState[(i / 2) % 5];
    leases.push_back(lease);
  }
  return leases;
}

// Sets the criteria selected by the bits of `mask` to the values of `sample`. Criteria whose
// value is empty in `sample` stay unset. The hostname is queried with its case changed.
LeaseQuery4 queryFromSample(const Lease4& sample, unsigned mask) {
  LeaseQuery4 query;
  if ((mask & 1) && !sample.hwaddr.empty()) {
    query.hwaddr = sample.hwaddr;
  }
  if ((mask & 2) && !sample.client_id.empty()) {
    query.client_id = sample.client_id;
  }
  if ((mask & 4) && !sample.hostname.empty()) {
    query.hostname = mixCase(sample.hostname);
  }
  if (mask & 8) {
    query.subnet_id = sample.subnet_id;
  }
  if (mask & 16) {
    query.state = sample.state;
  }
  return query;
}

LeaseQuery6 queryFromSample(const Lease6& sample, unsigned mask) {
  LeaseQuery6 query;
  if (mask & 1) {
    query.duid = sample.duid;
  }
  if (mask & 2) {
    query.iaid = sample.iaid;
  }
  if (mask & 4) {
    query.type = sample.type;
  }
  if ((mask & 8) && !sample.hwaddr.empty()) {
    query.hwaddr = sample.hwaddr;
  }
  if ((mask & 16) && !sample.hostname.empty()) {
    query.hostname = mixCase(sample.hostname);
  }
  if (mask & 32) {
    query.subnet_id = sample.subnet_id;
  }
  if (mask & 64) {
    query.state = sample.state;
  }
  return query;
}

template <typename LeaseT>
void addAll(LeaseTable<LeaseT>& table, const std::vector<LeaseT>& leases) {
  // Reverse order, so a store that returns insertion order fails the ordering checks.
  for (auto it = leases.rbegin(); it != leases.rend(); ++it) {
    ASSERT_TRUE(succeeded(table.add(*it)));
  }
}

// Checks one query without paging, then pages through its result two leases at a time.
template <typename LeaseT, typename Query>
void expectFindMatchesBruteForce(LeaseTable<LeaseT>& table, const std::vector<LeaseT>& leases,
                                 Query query, const std::string& description) {
  const auto expected = bruteForceFind(leases, query);
  EXPECT_EQ(findLeases(table, query), expected) << description;

  std::vector<LeaseT> paged;
  query.limit = 2;
  for (size_t page = 0; page <= leases.size(); ++page) {
    const auto found = findLeases(table, query);
    EXPECT_LE(found.size(), 2u) << description;
    paged.insert(paged.end(), found.begin(), found.end());
    if (found.size() < 2) {
      break;
    }
    query.after = found.back().address;
  }
  EXPECT_EQ(paged, expected) << description << " (paged two at a time)";
}

template <typename LeaseT>
void expectEveryCriteriaCombinationMatches(LeaseTable<LeaseT>& table,
                                           const std::vector<LeaseT>& leases,
                                           unsigned criteria_count) {
  const size_t samples[] = {0, 7, 13, 22, 29};
  for (unsigned mask = 0; mask < (1u << criteria_count); ++mask) {
    for (const size_t sample : samples) {
      const auto query = queryFromSample(leases[sample], mask);
      expectFindMatchesBruteForce(table, leases, query,
                                  "criteria mask " + std::to_string(mask) + " from lease " +
                                      std::to_string(sample));
    }
  }
}

TEST_P(LeaseStoreConformanceTest, FindLease4CriteriaCombinations) {
  const auto leases = overlappingLeases4();
  addAll(store().leases4(), leases);
  expectEveryCriteriaCombinationMatches(store().leases4(), leases, 5);
}

TEST_P(LeaseStoreConformanceTest, FindLease6CriteriaCombinations) {
  const auto leases = overlappingLeases6();
  addAll(store().leases6(), leases);
  expectEveryCriteriaCombinationMatches(store().leases6(), leases, 7);
}

// Checks findEither() for pairs of queries drawn from the samples against the brute-force
// union of both queries' matches.
template <typename LeaseT>
void expectEitherMatchesUnion(LeaseTable<LeaseT>& table, const std::vector<LeaseT>& leases,
                              std::span<const unsigned> masks) {
  const size_t samples[] = {0, 7, 13, 22, 29};
  for (const unsigned first_mask : masks) {
    for (const unsigned second_mask : masks) {
      for (const size_t first_sample : samples) {
        const size_t second_sample = samples[(first_sample + second_mask) % std::size(samples)];
        const auto first = queryFromSample(leases[first_sample], first_mask);
        const auto second = queryFromSample(leases[second_sample], second_mask);
        std::vector<LeaseT> expected;
        for (const LeaseT& lease : leases) {
          if (matches(lease, first) || matches(lease, second)) {
            expected.push_back(lease);
          }
        }
        const auto found = table.findEither(first, second);
        ASSERT_TRUE(succeeded(found));
        EXPECT_EQ(*found, expected) << "masks " << first_mask << " and " << second_mask
                                    << " from leases " << first_sample << " and "
                                    << second_sample;
      }
    }
  }
}

TEST_P(LeaseStoreConformanceTest, FindEitherLease4ReturnsUnionOnce) {
  const auto leases = overlappingLeases4();
  addAll(store().leases4(), leases);
  // hwaddr, client identifier, each with the subnet, hostname with state.
  const unsigned masks[] = {1, 2, 1 | 8, 2 | 8, 4 | 16};
  expectEitherMatchesUnion(store().leases4(), leases, masks);
}

TEST_P(LeaseStoreConformanceTest, FindEitherLease6ReturnsUnionOnce) {
  const auto leases = overlappingLeases6();
  addAll(store().leases6(), leases);
  // duid, duid with iaid and type, hwaddr with the subnet, hostname with state.
  const unsigned masks[] = {1, 1 | 2 | 4, 8 | 32, 16 | 64};
  expectEitherMatchesUnion(store().leases6(), leases, masks);
}

TEST_P(LeaseStoreConformanceTest, AddAndFindEitherReturnsClientsOtherLeases) {
  auto& table = store().leases4();
  auto by_client_id = Family<Lease4>::lease(1, 1);
  auto by_hwaddr = Family<Lease4>::lease(2, 1);
  by_hwaddr.client_id.clear();
  auto stranger = Family<Lease4>::lease(3, 1);
  stranger.client_id = {0x01, 0xee};
  stranger.hwaddr = HwAddr{1, {0x02, 0xee, 0xee, 0xee, 0xee, 0xee}};
  ASSERT_TRUE(succeeded(table.add(by_client_id)));
  ASSERT_TRUE(succeeded(table.add(by_hwaddr)));
  ASSERT_TRUE(succeeded(table.add(stranger)));

  auto claimed = Family<Lease4>::lease(4, 1);
  claimed.client_id = by_client_id.client_id;
  claimed.hwaddr = by_hwaddr.hwaddr;
  LeaseQuery4 client_id_query;
  client_id_query.client_id = claimed.client_id;
  client_id_query.subnet_id = 1;
  LeaseQuery4 hwaddr_query;
  hwaddr_query.hwaddr = claimed.hwaddr;
  hwaddr_query.subnet_id = 1;
  const auto others = table.addAndFindEither(claimed, client_id_query, hwaddr_query);
  ASSERT_TRUE(succeeded(others));
  EXPECT_EQ(*others, (std::vector{by_client_id, by_hwaddr}));
  EXPECT_EQ(storedLease(table, claimed.address), claimed);
}

TEST_P(LeaseStoreConformanceTest, AddAndFindEitherOverExistingLeaseConflicts) {
  auto& table = store().leases4();
  const auto existing = Family<Lease4>::lease(1, 1);
  ASSERT_TRUE(succeeded(table.add(existing)));
  auto other = Family<Lease4>::lease(1, 1);
  other.client_id = {0x01, 0xee};
  LeaseQuery4 query;
  query.client_id = other.client_id;
  EXPECT_TRUE(failedWith(table.addAndFindEither(other, query, query), Code::kConflict));
  EXPECT_EQ(storedLease(table, existing.address), existing);
}

TEST_P(LeaseStoreConformanceTest, FindEitherAndGetSplitsRows) {
  auto& table = store().leases4();
  const auto client = Family<Lease4>::lease(1, 1);
  auto at_address = Family<Lease4>::lease(2, 1);
  at_address.client_id = {0x01, 0xee};
  at_address.hwaddr = HwAddr{1, {0x02, 0xee, 0xee, 0xee, 0xee, 0xee}};
  ASSERT_TRUE(succeeded(table.add(client)));
  ASSERT_TRUE(succeeded(table.add(at_address)));
  ASSERT_TRUE(succeeded(table.add(Family<Lease4>::lease(3, 1))));
  LeaseQuery4 client_id_query;
  client_id_query.client_id = client.client_id;
  LeaseQuery4 hwaddr_query;
  hwaddr_query.hwaddr = client.hwaddr;

  const auto found = table.findEitherAndGet(client_id_query, hwaddr_query, at_address.address);
  ASSERT_TRUE(succeeded(found));
  EXPECT_EQ(found->matching, std::vector{client});
  EXPECT_EQ(found->at_address, at_address);

  // The client's own lease at the address is in both parts; a free address is in neither.
  const auto own = table.findEitherAndGet(client_id_query, hwaddr_query, client.address);
  ASSERT_TRUE(succeeded(own));
  EXPECT_EQ(own->matching, std::vector{client});
  EXPECT_EQ(own->at_address, client);
  const auto free = table.findEitherAndGet(client_id_query, hwaddr_query,
                                           Family<Lease4>::lease(9, 1).address);
  ASSERT_TRUE(succeeded(free));
  EXPECT_EQ(free->matching, std::vector{client});
  EXPECT_EQ(free->at_address, std::nullopt);
}

// The DHCPv6 engine passes one DUID query as both parts.
TEST_P(LeaseStoreConformanceTest, Lease6EitherCallsWithOneQueryTwice) {
  auto& table = store().leases6();
  const auto held = Family<Lease6>::lease(1, 1);
  const auto stranger = Family<Lease6>::lease(2, 1);
  ASSERT_TRUE(succeeded(table.add(held)));
  ASSERT_TRUE(succeeded(table.add(stranger)));
  LeaseQuery6 query;
  query.duid = held.duid;
  query.subnet_id = 1;

  const auto found = table.findEitherAndGet(query, query, stranger.address);
  ASSERT_TRUE(succeeded(found));
  EXPECT_EQ(found->matching, std::vector{held});
  EXPECT_EQ(found->at_address, stranger);

  auto claimed = Family<Lease6>::lease(3, 1);
  claimed.duid = held.duid;
  const auto others = table.addAndFindEither(claimed, query, query);
  ASSERT_TRUE(succeeded(others));
  EXPECT_EQ(*others, std::vector{held});
  EXPECT_EQ(storedLease(table, claimed.address), claimed);

  auto taken = Family<Lease6>::lease(2, 1);
  taken.duid = held.duid;
  EXPECT_TRUE(failedWith(table.addAndFindEither(taken, query, query), Code::kConflict));
  EXPECT_EQ(storedLease(table, stranger.address), stranger);
}

TEST_P(LeaseStoreConformanceTest, FindEitherRejectsPaging) {
  auto& table = store().leases4();
  ASSERT_TRUE(succeeded(table.add(Family<Lease4>::lease(1))));
  LeaseQuery4 plain;
  LeaseQuery4 limited;
  limited.limit = 1;
  LeaseQuery4 paged;
  paged.after = Family<Lease4>::lease(1).address;
  EXPECT_TRUE(failedWith(table.findEither(plain, limited), Code::kInvalid));
  EXPECT_TRUE(failedWith(table.findEither(paged, plain), Code::kInvalid));
}

TEST_P(LeaseStoreConformanceTest, FindWithAbsentValueReturnsNothing) {
  const auto leases4 = overlappingLeases4();
  addAll(store().leases4(), leases4);
  const auto leases6 = overlappingLeases6();
  addAll(store().leases6(), leases6);

  std::vector<std::pair<std::string, LeaseQuery4>> queries4(5);
  queries4[0] = {"hwaddr", {}};
  queries4[0].second.hwaddr = HwAddr{1, {0x09, 0x09, 0x09, 0x09, 0x09, 0x09}};
  queries4[1] = {"client_id", {}};
  queries4[1].second.client_id = std::vector<uint8_t>{0x01, 0xbb, 0x00};
  queries4[2] = {"hostname", {}};
  queries4[2].second.hostname = "host-1.example.org.";
  queries4[3] = {"subnet_id", {}};
  queries4[3].second.subnet_id = 99;
  queries4[4] = {"after", {}};
  queries4[4].second.after = leases4.back().address;
  for (const auto& [criterion, query] : queries4) {
    EXPECT_TRUE(findLeases(store().leases4(), query).empty()) << criterion;
  }

  std::vector<std::pair<std::string, LeaseQuery6>> queries6(3);
  queries6[0] = {"duid", {}};
  queries6[0].second.duid = std::vector<uint8_t>{0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x09};
  queries6[1] = {"iaid", {}};
  queries6[1].second.iaid = 77;
  queries6[2] = {"hwaddr type", {}};
  queries6[2].second.hwaddr = HwAddr{32, leases6[0].hwaddr.bytes};
  for (const auto& [criterion, query] : queries6) {
    EXPECT_TRUE(findLeases(store().leases6(), query).empty()) << criterion;
  }
}

TEST_P(LeaseStoreConformanceTest, FindAllReturnsAscendingAddresses) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    for (const uint32_t index : {7u, 300u, 3u, 9u, 256u, 1u, 5u}) {
      ASSERT_TRUE(succeeded(table.add(F::lease(index))));
    }

    EXPECT_EQ(addressesOf(allLeases(table)),
              (std::vector{F::address(1), F::address(3), F::address(5), F::address(7),
                           F::address(9), F::address(256), F::address(300)}));
  });
}

TEST_P(LeaseStoreConformanceTest, FindByHwAddrMatchesTypeAndBytes) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    auto ethernet = F::lease(1);
    auto token_ring = F::lease(2);
    token_ring.hwaddr = HwAddr{6, ethernet.hwaddr.bytes};
    ASSERT_TRUE(succeeded(table.add(ethernet)));
    ASSERT_TRUE(succeeded(table.add(token_ring)));
    ASSERT_TRUE(succeeded(table.add(F::lease(3))));

    typename F::Query query;
    query.hwaddr = ethernet.hwaddr;
    EXPECT_EQ(findLeases(table, query), std::vector{ethernet});
    query.hwaddr = token_ring.hwaddr;
    EXPECT_EQ(findLeases(table, query), std::vector{token_ring});
  });
}

TEST_P(LeaseStoreConformanceTest, FindByHostnameIgnoresOnlyCase) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    auto lease = F::lease(1);
    lease.hostname = "Alpha.Example.Org";
    ASSERT_TRUE(succeeded(table.add(lease)));
    ASSERT_TRUE(succeeded(table.add(F::lease(2))));

    typename F::Query query;
    for (const char* name : {"alpha.example.org", "ALPHA.EXAMPLE.ORG", "Alpha.Example.Org"}) {
      query.hostname = name;
      EXPECT_EQ(findLeases(table, query), std::vector{lease}) << name;
    }
    for (const char* name : {"alpha.example.or", "alpha.example.org.", "alpha", " alpha.example.org"}) {
      query.hostname = name;
      EXPECT_TRUE(findLeases(table, query).empty()) << name;
    }
  });
}

TEST_P(LeaseStoreConformanceTest, FindByClientIdAcrossSubnets) {
  auto& table = store().leases4();
  auto first = Family<Lease4>::lease(1, 1);
  auto second = Family<Lease4>::lease(2, 2);
  second.client_id = first.client_id;
  ASSERT_TRUE(succeeded(table.add(first)));
  ASSERT_TRUE(succeeded(table.add(second)));
  ASSERT_TRUE(succeeded(table.add(Family<Lease4>::lease(3, 1))));

  LeaseQuery4 query;
  query.client_id = first.client_id;
  EXPECT_EQ(findLeases(table, query), (std::vector{first, second}));
  query.subnet_id = 2;
  EXPECT_EQ(findLeases(table, query), std::vector{second});
}

TEST_P(LeaseStoreConformanceTest, FindByDuidAndIaid) {
  auto& table = store().leases6();
  auto address = Family<Lease6>::lease(1);
  auto prefix = Family<Lease6>::lease(2);
  prefix.type = LeaseType::kPd;
  prefix.prefix_length = 64;
  prefix.iaid = 77;
  prefix.duid = address.duid;
  auto other_client = Family<Lease6>::lease(3);
  other_client.iaid = address.iaid;
  for (const auto& lease : {address, prefix, other_client}) {
    ASSERT_TRUE(succeeded(table.add(lease)));
  }

  LeaseQuery6 query;
  query.duid = address.duid;
  EXPECT_EQ(findLeases(table, query), (std::vector{address, prefix}));
  query.iaid = 77;
  EXPECT_EQ(findLeases(table, query), std::vector{prefix});
  query.type = LeaseType::kNa;
  EXPECT_TRUE(findLeases(table, query).empty());

  LeaseQuery6 by_iaid;
  by_iaid.iaid = address.iaid;
  EXPECT_EQ(findLeases(table, by_iaid), (std::vector{address, other_client}));
}

TEST_P(LeaseStoreConformanceTest, FindPagesWithAfterAndLimit) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    for (uint32_t i = 0; i < 10; ++i) {
      ASSERT_TRUE(succeeded(table.add(F::lease(i * 2))));
    }

    typename F::Query query;
    query.limit = 4;
    EXPECT_EQ(addressesOf(findLeases(table, query)),
              (std::vector{F::address(0), F::address(2), F::address(4), F::address(6)}));
    query.after = F::address(6);
    EXPECT_EQ(addressesOf(findLeases(table, query)),
              (std::vector{F::address(8), F::address(10), F::address(12), F::address(14)}));
    query.after = F::address(13);  // between two leases
    EXPECT_EQ(addressesOf(findLeases(table, query)),
              (std::vector{F::address(14), F::address(16), F::address(18)}));
    query.after = F::address(18);
    EXPECT_TRUE(findLeases(table, query).empty());
    query.limit = 0;
    query.after = F::address(15);
    EXPECT_EQ(addressesOf(findLeases(table, query)),
              (std::vector{F::address(16), F::address(18)}));
  });
}

TEST_P(LeaseStoreConformanceTest, FindExpiredReturnsOldestExpiryFirst) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    // Expiry of lease i: kT0 + 3600 s + offsets[i].
    const std::vector<std::chrono::seconds> offsets{10s, -5s, 20s, -5s, -100s, 0s};
    for (uint32_t i = 0; i < offsets.size(); ++i) {
      auto lease = F::lease(i);
      lease.cltt += offsets[i];
      ASSERT_TRUE(succeeded(table.add(lease)));
    }

    auto expired = table.findExpired(kT0 + 3600s + 10s, 0);
    ASSERT_TRUE(succeeded(expired));
    EXPECT_EQ(addressesOf(*expired), (std::vector{F::address(4), F::address(1), F::address(3),
                                                  F::address(5), F::address(0)}));
    auto at_expiry = table.findExpired(kT0 + 3600s, 0);
    ASSERT_TRUE(succeeded(at_expiry));
    EXPECT_EQ(addressesOf(*at_expiry),
              (std::vector{F::address(4), F::address(1), F::address(3), F::address(5)}));
    auto before_all = table.findExpired(kT0 + 3600s - 101s, 0);
    ASSERT_TRUE(succeeded(before_all));
    EXPECT_TRUE(before_all->empty());
  });
}

TEST_P(LeaseStoreConformanceTest, FindExpiredHonoursLimit) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    for (uint32_t i = 0; i < 5; ++i) {
      auto lease = F::lease(i);
      lease.cltt = kT0 - std::chrono::seconds{i};
      ASSERT_TRUE(succeeded(table.add(lease)));
    }

    auto two = table.findExpired(kT0 + 7200s, 2);
    ASSERT_TRUE(succeeded(two));
    EXPECT_EQ(addressesOf(*two), (std::vector{F::address(4), F::address(3)}));
    auto unlimited = table.findExpired(kT0 + 7200s, 0);
    ASSERT_TRUE(succeeded(unlimited));
    EXPECT_EQ(unlimited->size(), 5u);
  });
}

TEST_P(LeaseStoreConformanceTest, FindExpiredSkipsOtherStates) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    uint32_t index = 0;
    for (const LeaseState state : kEveryState) {
      auto lease = F::lease(index++);
      lease.state = state;
      ASSERT_TRUE(succeeded(table.add(lease)));
    }

    auto expired = table.findExpired(kT0 + 7200s, 0);
    ASSERT_TRUE(succeeded(expired));
    EXPECT_EQ(addressesOf(*expired), (std::vector{F::address(0), F::address(1)}));
  });
}

TEST_P(LeaseStoreConformanceTest, FindExpiredFollowsUpdatesAndRemoves) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    for (uint32_t i = 0; i < 4; ++i) {
      ASSERT_TRUE(succeeded(table.add(F::lease(i))));
    }
    auto renewed = F::lease(0);
    renewed.cltt = kT0 + 10000s;
    ASSERT_TRUE(succeeded(table.update(renewed, nullptr)));
    auto reclaimed = F::lease(1);
    reclaimed.state = LeaseState::kExpiredReclaimed;
    ASSERT_TRUE(succeeded(table.update(reclaimed, nullptr)));
    ASSERT_TRUE(succeeded(table.remove(F::address(2), nullptr)));
    auto shortened = F::lease(3);
    shortened.valid_lifetime = 10s;
    ASSERT_TRUE(succeeded(table.update(shortened, nullptr)));

    auto expired = table.findExpired(kT0 + 3600s, 0);
    ASSERT_TRUE(succeeded(expired));
    EXPECT_EQ(*expired, std::vector{shortened});
  });
}

template <typename F>
std::vector<typename F::Address> unleased(LeaseTable<typename F::Lease>& table,
                                          const typename F::Address& first,
                                          const typename F::Address& last,
                                          const typename F::Address& start, size_t limit,
                                          unsigned step_bits = 0) {
  auto found = table.findUnleased(first, last, start, limit, step_bits);
  EXPECT_TRUE(succeeded(found));
  return found ? *found : std::vector<typename F::Address>{};
}

TEST_P(LeaseStoreConformanceTest, FindUnleasedWrapsAroundEmptyRange) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());

    EXPECT_EQ(unleased<F>(table, F::address(0), F::address(5), F::address(3), 100),
              (std::vector{F::address(3), F::address(4), F::address(5), F::address(0),
                           F::address(1), F::address(2)}));
    EXPECT_EQ(unleased<F>(table, F::address(0), F::address(5), F::address(3), 2),
              (std::vector{F::address(3), F::address(4)}));
    EXPECT_EQ(unleased<F>(table, F::address(0), F::address(5), F::address(5), 3),
              (std::vector{F::address(5), F::address(0), F::address(1)}));
    EXPECT_EQ(unleased<F>(table, F::address(7), F::address(7), F::address(7), 3),
              std::vector{F::address(7)});
    EXPECT_TRUE(unleased<F>(table, F::address(0), F::address(5), F::address(0), 0).empty());
  });
}

TEST_P(LeaseStoreConformanceTest, FindUnleasedSkipsEveryLeaseState) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    uint32_t index = 1;
    for (const LeaseState state : kEveryState) {
      auto lease = F::lease(index);
      lease.state = state;
      lease.cltt = kT0 - 100000s;
      ASSERT_TRUE(succeeded(table.add(lease)));
      index += 2;  // leases at 1, 3, 5, 7, 9
    }
    ASSERT_TRUE(succeeded(table.add(F::lease(10))));

    EXPECT_EQ(unleased<F>(table, F::address(0), F::address(10), F::address(0), 100),
              (std::vector{F::address(0), F::address(2), F::address(4), F::address(6),
                           F::address(8)}));
    EXPECT_EQ(unleased<F>(table, F::address(0), F::address(10), F::address(9), 2),
              (std::vector{F::address(0), F::address(2)}));
  });
}

TEST_P(LeaseStoreConformanceTest, FindUnleasedInFullRangeReturnsNothing) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    for (uint32_t i = 0; i < 8; ++i) {
      ASSERT_TRUE(succeeded(table.add(F::lease(i))));
    }

    EXPECT_TRUE(unleased<F>(table, F::address(0), F::address(7), F::address(4), 100).empty());
    EXPECT_TRUE(unleased<F>(table, F::address(2), F::address(5), F::address(2), 100).empty());
    EXPECT_EQ(unleased<F>(table, F::address(6), F::address(9), F::address(6), 100),
              (std::vector{F::address(8), F::address(9)}));
  });
}

TEST_P(LeaseStoreConformanceTest, FindUnleasedIgnoresLeasesOutsideRange) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    for (const uint32_t index : {0u, 4u, 20u, 21u}) {
      ASSERT_TRUE(succeeded(table.add(F::lease(index))));
    }

    EXPECT_EQ(unleased<F>(table, F::address(1), F::address(3), F::address(2), 100),
              (std::vector{F::address(2), F::address(3), F::address(1)}));
  });
}

TEST_P(LeaseStoreConformanceTest, FindUnleasedWorksAtTopOfAddressSpace) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    const unsigned __int128 top = F::kAddressBits == 32 ? 0xffffffffu : ~static_cast<unsigned __int128>(0);
    auto at = [&](unsigned below_top) { return F::fromUint(top - below_top); };
    auto lease = F::lease(0);
    lease.address = at(1);
    ASSERT_TRUE(succeeded(table.add(lease)));

    EXPECT_EQ(unleased<F>(table, at(5), at(0), at(2), 100),
              (std::vector{at(2), at(0), at(5), at(4), at(3)}));
    EXPECT_EQ(unleased<F>(table, F::fromUint(0), at(0), at(0), 3),
              (std::vector{at(0), F::fromUint(0), F::fromUint(1)}));
  });
}

TEST_P(LeaseStoreConformanceTest, FindUnleasedReturnsFreePrefixes) {
  using F = Family<Lease6>;
  auto& table = store().leases6();
  // A pool of sixteen /64 prefixes, 2001:db8:1:10::/64 to 2001:db8:1:1f::/64.
  const auto first = v6("2001:db8:1:10::");
  const auto last = v6("2001:db8:1:1f:ffff:ffff:ffff:ffff");
  for (const char* taken : {"2001:db8:1:12::", "2001:db8:1:13::", "2001:db8:1:1f::"}) {
    auto prefix = F::lease(0);
    prefix.address = v6(taken);
    prefix.type = LeaseType::kPd;
    prefix.prefix_length = 64;
    ASSERT_TRUE(succeeded(table.add(prefix)));
  }
  // An address lease inside a prefix does not occupy the prefix's first address.
  auto inside = F::lease(1);
  inside.address = v6("2001:db8:1:14::5");
  ASSERT_TRUE(succeeded(table.add(inside)));

  EXPECT_EQ(unleased<F>(table, first, last, v6("2001:db8:1:11::"), 4, 64),
            (std::vector{v6("2001:db8:1:11::"), v6("2001:db8:1:14::"), v6("2001:db8:1:15::"),
                         v6("2001:db8:1:16::")}));
  EXPECT_EQ(unleased<F>(table, first, last, v6("2001:db8:1:1d::1"), 4, 64),
            (std::vector{v6("2001:db8:1:1e::"), v6("2001:db8:1:10::"), v6("2001:db8:1:11::"),
                         v6("2001:db8:1:14::")}));
  EXPECT_EQ(unleased<F>(table, first, last, first, 100, 64).size(), 13u);
}

TEST_P(LeaseStoreConformanceTest, FindUnleasedSkipsUnalignedCandidates) {
  using F = Family<Lease4>;
  auto& table = store().leases4();
  ASSERT_TRUE(succeeded(table.add(F::lease(8))));

  // Candidates are the multiples of 4 in [10.1.0.1, 10.1.0.17].
  EXPECT_EQ(unleased<F>(table, F::address(1), F::address(17), F::address(5), 100, 2),
            (std::vector{F::address(12), F::address(16), F::address(4)}));
}

TEST_P(LeaseStoreConformanceTest, FindUnleasedRejectsFullWidthStep) {
  EXPECT_TRUE(failedWith(store().leases4().findUnleased(v4("0.0.0.0"), v4("255.255.255.255"),
                                                        v4("0.0.0.0"), 1, 32),
                         Code::kInvalid));
  EXPECT_TRUE(failedWith(
      store().leases6().findUnleased(v6("::"), v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
                                     v6("::"), 1, 128),
      Code::kInvalid));
}

}  // namespace
}  // namespace leasehold::testing

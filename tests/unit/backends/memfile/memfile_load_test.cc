// Opening a MemfileLeaseStore on existing files: Kea 2.2's golden files, Kea's cleanup files in
// Kea's order, invalid lines, max-row-errors, damaged file ends, options and the registry.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "backends/lease_store_registry.h"
#include "backends/memfile/lease_file_format.h"
#include "tests/unit/backends/lease_store_test_vocabulary.h"
#include "tests/unit/backends/memfile/memfile_test_support.h"

namespace leasehold::testing {
namespace {

const std::string kHeader4 = memfile::headerLine<Lease4>() + "\n";
const std::string kHeader6 = memfile::headerLine<Lease6>() + "\n";

class MemfileLoadTest : public ::testing::Test {
 protected:
  MemfileOptions options4() const {
    MemfileOptions options;
    options.lease_file4 = file4_;
    return options;
  }
  MemfileOptions options6() const {
    MemfileOptions options;
    options.lease_file6 = file6_;
    return options;
  }
  std::vector<std::string> problemTexts(const MemfileLoadReport& report) const {
    std::vector<std::string> texts;
    for (const auto& problem : report.problems) {
      texts.push_back(problem.toString());
    }
    return texts;
  }

  TempDir dir_;
  const std::string file4_ = dir_.file("leases4.csv");
  const std::string file6_ = dir_.file("leases6.csv");
};

Lease4 kea22Lease4(const char* address, std::vector<uint8_t> hwaddr, uint32_t valid,
                   int64_t expire, SubnetId subnet) {
  Lease4 lease;
  lease.address = v4(address);
  lease.hwaddr = HwAddr{1, std::move(hwaddr)};
  lease.valid_lifetime = std::chrono::seconds{valid};
  lease.cltt = UnixTime{std::chrono::seconds{expire - valid}};
  lease.subnet_id = subnet;
  return lease;
}

TEST_F(MemfileLoadTest, LoadsKea22Lease4File) {
  writeFile(file4_, readFile(testdataFile("kea22-leases4.csv")));
  auto store = openMemfile(options4());
  ASSERT_TRUE(store);

  auto mixed = kea22Lease4("10.0.0.5", {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}, 600, 1900000000, 2);
  mixed.hostname = "mixed.case.example";
  mixed.state = LeaseState::kExpiredReclaimed;
  auto declined = kea22Lease4("192.0.2.2", {1, 2, 3, 4, 5, 6}, 3600, 1900000000, 1);
  declined.client_id = {0x01, 0xaa, 0xbb};
  declined.fqdn_fwd = true;
  declined.hostname = "host,with,commas&amp.example.org";
  declined.state = LeaseState::kDeclined;
  declined.user_context = R"({ "a": "b,c", "n": [ 1, 2 ] })";
  auto updated =
      kea22Lease4("192.0.2.3", {0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x21}, 7200, 1900000100, 1);
  updated.hostname = "updated.example.org";
  auto infinite = kea22Lease4("192.0.2.4", {0, 0, 0, 0, 0, 4}, 0xffffffff, 6194967295, 1);
  infinite.client_id = {0xff, 0, 0, 0, 0x01, 0, 0x01, 0, 0x01, 0x02, 0x03};
  EXPECT_EQ(allLeases(store->leases4()), (std::vector{mixed, declined, updated, infinite}));

  const auto& report = store->loadReport4();
  EXPECT_EQ(report.lines_read, 7u);
  EXPECT_EQ(report.leases_loaded, 6u);
  EXPECT_EQ(report.lines_skipped, 0u);
  EXPECT_EQ(report.leases, 4u);
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].leases_deleted, 1u);
}

TEST_F(MemfileLoadTest, LoadsKea22Lease6File) {
  writeFile(file6_, readFile(testdataFile("kea22-leases6.csv")));
  auto store = openMemfile(options6());
  ASSERT_TRUE(store);

  const auto leases = allLeases(store->leases6());
  ASSERT_EQ(addressesOf(leases), (std::vector{v6("2001:db8:1::2"), v6("2001:db8:1:8000::"),
                                             v6("2001:db8:2::5")}));
  EXPECT_EQ(leases[0].hostname, "host,six.example.org");
  EXPECT_EQ(leases[0].user_context, R"({ "x": { "y": "1,2" } })");
  EXPECT_EQ(leases[0].hwaddr, (HwAddr{1, {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}}));
  EXPECT_EQ(leases[0].state, LeaseState::kDeclined);
  EXPECT_EQ(leases[1].type, LeaseType::kPd);
  EXPECT_EQ(leases[1].prefix_length, 56);
  EXPECT_EQ(leases[1].hwaddr, (HwAddr{1, {0x00, 0x11, 0x22, 0x33, 0x44, 0x55}}));
  EXPECT_EQ(leases[2].iaid, 6u);
  EXPECT_EQ(leases[2].state, LeaseState::kDefault);
  EXPECT_EQ(leases[2].cltt, UnixTime{std::chrono::seconds{1900000200 - 7200}});
  EXPECT_EQ(store->loadReport6().leases_loaded, 5u);
}

TEST_F(MemfileLoadTest, Kea22FileIsRewrittenInCurrentFormat) {
  writeFile(file4_, readFile(testdataFile("kea22-leases4.csv")));
  std::vector<Lease4> before;
  {
    auto store = openMemfile(options4());
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->loadReport4().converted);
    before = allLeases(store->leases4());
    ASSERT_TRUE(succeeded(store->leases4().add(Family<Lease4>::lease(1))));
  }

  EXPECT_EQ(dir_.files(), (std::vector<std::string>{"leases4.csv", "leases4.csv.1"}));
  EXPECT_TRUE(readFile(file4_).starts_with(kHeader4));
  EXPECT_TRUE(readFile(file4_ + ".1").starts_with(kHeader4));
  auto reopened = openMemfile(options4());
  ASSERT_TRUE(reopened);
  EXPECT_FALSE(reopened->loadReport4().converted);
  before.insert(before.begin() + 1, Family<Lease4>::lease(1));  // 10.1.0.1 follows 10.0.0.5
  EXPECT_EQ(allLeases(reopened->leases4()), before);
}

TEST_F(MemfileLoadTest, KeaBrokenLinesAreReported) {
  writeFile(file4_, readFile(testdataFile("kea22-leases4-broken-hostname.csv")));
  auto store = openMemfile(options4());
  ASSERT_TRUE(store);

  EXPECT_EQ(addressesOf(allLeases(store->leases4())),
            (std::vector{v4("192.0.2.7"), v4("192.0.2.9")}));
  const auto& report = store->loadReport4();
  EXPECT_EQ(report.lines_read, 4u);
  EXPECT_EQ(report.lines_skipped, 2u);
  EXPECT_EQ(problemTexts(report),
            (std::vector<std::string>{
                file4_ + ":3: expected 11 columns as in the header, found 9",
                file4_ + ":4: expected 11 columns as in the header, found 3",
            }));
}

TEST_F(MemfileLoadTest, InvalidLinesAreCountedAndLoadingGoesOn) {
  writeFile(file4_, kHeader4 +
                        "192.0.2.1,1a:1b:1c:1d:1e:01,,7200,1900000000,1,0,0,,0,,0\n"
                        "garbage\n"
                        "\n"
                        "192.0.2.2,1a:1b:1c:1d:1e:02,,7200,1900000000,1,0,0,,9,,0\r\n"
                        "192.0.2.3,1a:1b:1c:1d:1e:03,,7200,1900000000,1,0,0,crlf,0,,0\r\n"
                        "192.0.2.1,1a:1b:1c:1d:1e:01,,0,1899992800,1,0,0,,0,,0\n");
  auto store = openMemfile(options4());
  ASSERT_TRUE(store);

  const auto leases = allLeases(store->leases4());
  ASSERT_EQ(addressesOf(leases), std::vector{v4("192.0.2.3")});
  EXPECT_EQ(leases[0].hostname, "crlf");
  EXPECT_EQ(leases[0].pool_id, 0u);
  const auto& report = store->loadReport4();
  EXPECT_EQ(report.lines_read, 5u);
  EXPECT_EQ(report.leases_loaded, 2u);
  EXPECT_EQ(report.lines_skipped, 2u);
  EXPECT_EQ(problemTexts(report),
            (std::vector<std::string>{
                file4_ + ":3: expected 12 columns as in the header, found 1",
                file4_ + ":5: invalid state \"9\": expected an integer from 0 to 4",
            }));
}

TEST_F(MemfileLoadTest, MaxRowErrorsFailsOpenOnlyPastLimit) {
  writeFile(file4_, kHeader4 + "bad 1\nbad 2\n" +
                        "192.0.2.1,1a:1b:1c:1d:1e:01,,7200,1900000000,1,0,0,,0,,0\nbad 3\n");
  auto options = options4();
  options.max_row_errors = 3;
  auto store = openMemfile(options);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->loadReport4().lines_skipped, 3u);
  store.reset();

  options.max_row_errors = 2;
  auto refused = MemfileLeaseStore::open(options);
  ASSERT_FALSE(refused.hasValue());
  EXPECT_EQ(refused.error().code, StoreError::Code::kInternal);
  EXPECT_EQ(refused.error().message,
            "cannot load lease file " + file4_ +
                ": more than 2 invalid lines (max-row-errors), the last at " + file4_ +
                ":5: expected 12 columns as in the header, found 1");

  options.max_row_errors = 0;  // no limit
  EXPECT_TRUE(openMemfile(options));
}

TEST_F(MemfileLoadTest, ReportsAtMostHundredProblemsButCountsAll) {
  std::string content = kHeader4;
  for (int i = 0; i < 150; ++i) {
    content += "bad\n";
  }
  writeFile(file4_, content);
  auto store = openMemfile(options4());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->loadReport4().lines_skipped, 150u);
  EXPECT_EQ(store->loadReport4().problems.size(), memfile::kMaxReportedProblems);
}

TEST_F(MemfileLoadTest, CleanupFilesLoadInKeaOrder) {
  const std::string record_a1 = "192.0.2.1,1a:1b:1c:1d:1e:01,,7200,1900000000,1,0,0,a1,0,,0\n";
  const std::string record_a2 = "192.0.2.1,1a:1b:1c:1d:1e:01,,7200,1900000000,1,0,0,a2,0,,0\n";
  const std::string record_b = "192.0.2.2,1a:1b:1c:1d:1e:02,,7200,1900000000,1,0,0,b,0,,0\n";
  const std::string delete_b = "192.0.2.2,1a:1b:1c:1d:1e:02,,0,1899992800,1,0,0,b,0,,0\n";
  const std::string record_c = "192.0.2.3,1a:1b:1c:1d:1e:03,,7200,1900000000,1,0,0,c,0,,0\n";
  writeFile(file4_ + ".1", kHeader4 + record_a1 + record_b);
  writeFile(file4_ + ".2", kHeader4 + record_a2 + delete_b);
  writeFile(file4_, kHeader4 + record_c);

  auto hostnames = [&] {
    std::vector<std::string> names;
    auto store = openMemfile(options4());
    EXPECT_TRUE(store);
    if (store) {
      for (const auto& lease : allLeases(store->leases4())) {
        names.push_back(lease.hostname);
      }
    }
    return names;
  };
  EXPECT_EQ(hostnames(), (std::vector<std::string>{"a2", "c"}));

  // A completed cleanup output replaces .1 and .2, whatever they hold.
  writeFile(file4_ + ".1", kHeader4 + record_a1 + record_b);
  writeFile(file4_ + ".2", kHeader4 + record_a2 + delete_b);
  writeFile(file4_ + ".completed", kHeader4 + record_b);
  EXPECT_EQ(hostnames(), (std::vector<std::string>{"b", "c"}));
}

TEST_F(MemfileLoadTest, CutOffLastLineIsSkippedAndRemoved) {
  writeFile(file4_, kHeader4 + "192.0.2.1,1a:1b:1c:1d:1e:01,,7200,1900000000,1,0,0,a,0,,0\n" +
                        "192.0.2.2,1a:1b:1c:1d:1e:02,,72");
  {
    auto store = openMemfile(options4());
    ASSERT_TRUE(store);
    EXPECT_EQ(store->loadReport4().lines_skipped, 1u);
    ASSERT_TRUE(succeeded(store->leases4().add(Family<Lease4>::lease(9))));
  }

  auto reopened = openMemfile(options4());
  ASSERT_TRUE(reopened);
  EXPECT_EQ(addressesOf(allLeases(reopened->leases4())),
            (std::vector{Family<Lease4>::address(9), v4("192.0.2.1")}));
  EXPECT_EQ(reopened->loadReport4().lines_skipped, 0u);
  EXPECT_EQ(readFile(file4_).find("192.0.2.2"), std::string::npos);
}

// A record cut off inside a number can still parse, with a wrong value, so a last line without
// its line break is never trusted.
TEST_F(MemfileLoadTest, LastLineWithoutLineBreakIsSkipped) {
  writeFile(file4_, kHeader4 + "192.0.2.1,1a:1b:1c:1d:1e:01,,7200,1900000000,1,0,0,a,0,,0\n" +
                        "192.0.2.1,1a:1b:1c:1d:1e:01,,7200,190000,1,0,0,a,0,,0");
  {
    auto store = openMemfile(options4());
    ASSERT_TRUE(store);
    EXPECT_EQ(problemTexts(store->loadReport4()),
              std::vector<std::string>{
                  file4_ + ":3: the last line has no line break; an interrupted write left it"});
    const auto leases = allLeases(store->leases4());
    ASSERT_EQ(leases.size(), 1u);
    EXPECT_EQ(leases[0].expire(), UnixTime{std::chrono::seconds{1900000000}});
    ASSERT_TRUE(succeeded(store->leases4().add(Family<Lease4>::lease(9))));
  }

  // Opening cut the file after its last complete line, so the fragment is gone for good.
  auto reopened = openMemfile(options4());
  ASSERT_TRUE(reopened);
  EXPECT_EQ(addressesOf(allLeases(reopened->leases4())),
            (std::vector{Family<Lease4>::address(9), v4("192.0.2.1")}));
  EXPECT_EQ(reopened->loadReport4().lines_skipped, 0u);
}

TEST_F(MemfileLoadTest, EmptyOrHalfWrittenHeaderFileStartsEmpty) {
  for (const std::string& content :
       {std::string(), kHeader4.substr(0, 20), kHeader4.substr(0, kHeader4.size() - 1)}) {
    writeFile(file4_, content);
    {
      auto store = openMemfile(options4());
      ASSERT_TRUE(store) << content;
      EXPECT_TRUE(allLeases(store->leases4()).empty());
      ASSERT_TRUE(succeeded(store->leases4().add(Family<Lease4>::lease(1))));
    }
    std::string expected = kHeader4;
    Lease4 lease = Family<Lease4>::lease(1);
    memfile::appendRecord(lease, expected);
    EXPECT_EQ(readFile(file4_), expected) << content;
  }
}

TEST_F(MemfileLoadTest, InvalidHeaderFailsOpenNamingFile) {
  writeFile(file4_, "address,hwaddr,clientid,valid_lifetime\n");
  auto refused = MemfileLeaseStore::open(options4());
  ASSERT_FALSE(refused.hasValue());
  EXPECT_EQ(refused.error().code, StoreError::Code::kInternal);
  EXPECT_EQ(refused.error().message,
            "cannot load lease file " + file4_ +
                ": line 1: column 3 of the header is \"clientid\"; expected \"client_id\"; "
                "repair the header or move the file away");
}

TEST_F(MemfileLoadTest, UnreadableFileFailsOpenAsUnavailable) {
  ASSERT_EQ(::mkdir(file4_.c_str(), 0755), 0);  // a directory where the file should be
  auto refused = MemfileLeaseStore::open(options4());
  ASSERT_FALSE(refused.hasValue());
  EXPECT_EQ(refused.error().code, StoreError::Code::kUnavailable);
  EXPECT_EQ(refused.error().message, "cannot load lease file " + file4_ + ": Is a directory");
}

TEST_F(MemfileLoadTest, MissingDirectoryFailsOpenAsUnavailable) {
  MemfileOptions options;
  options.lease_file6 = dir_.file("missing/leases6.csv");
  auto refused = MemfileLeaseStore::open(options);
  ASSERT_FALSE(refused.hasValue());
  EXPECT_EQ(refused.error().code, StoreError::Code::kUnavailable);
  EXPECT_EQ(refused.error().message,
            "failed to open lease file " + options.lease_file6 + ": No such file or directory");
}

TEST_F(MemfileLoadTest, OptionsFollowDatabaseConfig) {
  DatabaseConfig config;
  config.type = "memfile";
  config.family = 6;
  config.data_dir = "/var/lib/leasehold";
  config.lfc_interval = std::chrono::seconds{600};
  config.max_row_errors = 5;
  auto options = MemfileLeaseStore::optionsFrom(config);
  ASSERT_TRUE(succeeded(options));
  EXPECT_EQ(options->lease_file6, "/var/lib/leasehold/leasehold-leases6.csv");
  EXPECT_TRUE(options->lease_file4.empty());
  EXPECT_EQ(options->lfc_interval, std::chrono::seconds{600});
  EXPECT_EQ(options->max_row_errors, 5u);

  config.family = 4;
  config.name = "/srv/leases.csv";
  options = MemfileLeaseStore::optionsFrom(config);
  ASSERT_TRUE(succeeded(options));
  EXPECT_EQ(options->lease_file4, "/srv/leases.csv");
  EXPECT_TRUE(options->lease_file6.empty());

  config.persist = false;
  options = MemfileLeaseStore::optionsFrom(config);
  ASSERT_TRUE(succeeded(options));
  EXPECT_TRUE(options->lease_file4.empty());
  EXPECT_TRUE(options->lease_file6.empty());
}

TEST_F(MemfileLoadTest, OptionsRejectMissingPathAndBadFamily) {
  DatabaseConfig config;
  config.type = "memfile";
  EXPECT_TRUE(failedWith(MemfileLeaseStore::optionsFrom(config), StoreError::Code::kInvalid));
  config.data_dir = "/tmp";
  config.family = 5;
  EXPECT_TRUE(failedWith(MemfileLeaseStore::optionsFrom(config), StoreError::Code::kInvalid));
  config.family = 4;
  config.lfc_interval = std::chrono::seconds{-1};
  EXPECT_TRUE(failedWith(MemfileLeaseStore::optionsFrom(config), StoreError::Code::kInvalid));
}

TEST_F(MemfileLoadTest, PersistOffTouchesNoFile) {
  writeFile(file4_, "not a lease file\n");
  DatabaseConfig config;
  config.type = "memfile";
  config.name = file4_;
  config.persist = false;
  auto options = MemfileLeaseStore::optionsFrom(config);
  ASSERT_TRUE(succeeded(options));
  auto store = openMemfile(*options);
  ASSERT_TRUE(store);

  ASSERT_TRUE(succeeded(store->leases4().add(Family<Lease4>::lease(1))));
  EXPECT_EQ(readFile(file4_), "not a lease file\n");
  EXPECT_EQ(dir_.files(), std::vector<std::string>{"leases4.csv"});
  EXPECT_EQ(store->describe(), "memfile (persist off, leases in memory only)");
}

TEST_F(MemfileLoadTest, RegistryOpensMemfileByType) {
  LeaseStoreRegistry registry;
  registerMemfileLeaseStore(registry);
  DatabaseConfig config;
  config.type = "memfile";
  config.family = 4;
  config.data_dir = dir_.path();

  auto store = registry.open(config);
  ASSERT_TRUE(succeeded(store));
  EXPECT_EQ((*store)->describe(), "memfile " + dir_.file("leasehold-leases4.csv"));
  ASSERT_TRUE(succeeded((*store)->leases4().add(Family<Lease4>::lease(1))));
  EXPECT_EQ(dir_.files(), std::vector<std::string>{"leasehold-leases4.csv"});
}

TEST_F(MemfileLoadTest, OtherFamilyStaysInMemory) {
  auto store = openMemfile(options4());
  ASSERT_TRUE(store);
  ASSERT_TRUE(succeeded(store->leases6().add(Family<Lease6>::lease(1))));
  store.reset();

  EXPECT_EQ(dir_.files(), std::vector<std::string>{"leases4.csv"});
  auto reopened = openMemfile(options4());
  ASSERT_TRUE(reopened);
  EXPECT_TRUE(allLeases(reopened->leases6()).empty());
}

}  // namespace
}  // namespace leasehold::testing

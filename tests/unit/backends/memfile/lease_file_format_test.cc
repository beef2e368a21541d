// The lease file codec: Kea's headers, records Kea 2.2 wrote, escaping, and corrupt lines with
// the exact error each one gets.
#include "backends/memfile/lease_file_format.h"

#include <gtest/gtest.h>

#include "tests/unit/backends/lease_store_test_vocabulary.h"

namespace leasehold::memfile {
namespace {

using testing::v4;
using testing::v6;
using namespace std::chrono_literals;

const char kHeader4[] =
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,"
    "user_context,pool_id";
const char kHeader6[] =
    "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,"
    "fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id";
const char kKea22Header4[] =
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,"
    "user_context";
const char kKea22Header6[] =
    "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,"
    "fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source";

template <typename LeaseT>
LeaseFileHeader header(const char* line) {
  auto parsed = parseHeader<LeaseT>(line);
  EXPECT_TRUE(parsed.hasValue()) << (parsed ? "" : parsed.error());
  return parsed ? *parsed : LeaseFileHeader{};
}

template <typename LeaseT>
std::string encode(const LeaseT& lease) {
  std::string line;
  appendRecord(lease, line);
  return line;
}

TEST(LeaseFileHeaderTest, HeaderLinesAreKeaColumns) {
  EXPECT_EQ(headerLine<Lease4>(), kHeader4);
  EXPECT_EQ(headerLine<Lease6>(), kHeader6);
}

TEST(LeaseFileHeaderTest, AcceptsOlderAndNewerSchemas) {
  const auto current4 = header<Lease4>(kHeader4);
  EXPECT_EQ(current4.known_columns, 12u);
  EXPECT_TRUE(current4.isCurrent<Lease4>());

  const auto kea22 = header<Lease4>(kKea22Header4);
  EXPECT_EQ(kea22.known_columns, 11u);
  EXPECT_EQ(kea22.total_columns, 11u);
  EXPECT_FALSE(kea22.isCurrent<Lease4>());

  const auto kea10 = header<Lease4>(
      "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname");
  EXPECT_EQ(kea10.known_columns, 9u);

  const auto newer = header<Lease6>(std::string(kHeader6).append(",future_column").c_str());
  EXPECT_EQ(newer.known_columns, 18u);
  EXPECT_EQ(newer.total_columns, 19u);
  EXPECT_FALSE(newer.isCurrent<Lease6>());

  EXPECT_EQ(header<Lease6>(kKea22Header6).known_columns, 17u);
}

TEST(LeaseFileHeaderTest, RejectsUnknownHeadersWithReason) {
  struct Case {
    const char* line;
    const char* error;
  };
  const Case cases4[] = {
      {"address,hwaddr", "the header has 2 columns; expected at least 9, from address to hostname"},
      {"address,hwaddr,clientid,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname",
       "column 3 of the header is \"clientid\"; expected \"client_id\""},
      {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,",
       "column 1 of the header is \"192.0.2.1\"; expected \"address\""},
      {kHeader6, "column 2 of the header is \"duid\"; expected \"hwaddr\""},
  };
  for (const auto& [line, error] : cases4) {
    auto parsed = parseHeader<Lease4>(line);
    ASSERT_FALSE(parsed.hasValue()) << line;
    EXPECT_EQ(parsed.error(), error);
  }
  auto parsed6 = parseHeader<Lease6>(kHeader4);
  ASSERT_FALSE(parsed6.hasValue());
  EXPECT_EQ(parsed6.error(), "column 2 of the header is \"hwaddr\"; expected \"duid\"");
}

// Lines as Kea 2.2's lease_cmds wrote them (testdata/kea22-leases4.csv), with what they hold.
TEST(LeaseFileRecordTest, ParsesKea22Lease4Records) {
  const auto kea22 = header<Lease4>(kKea22Header4);
  auto record = parseRecord<Lease4>(
      "192.0.2.2,01:02:03:04:05:06,01:aa:bb,3600,1900000000,1,1,0,host&#x2cwith&#x2ccommas&#x26amp."
      "example.org,1,{ \"a\": \"b&#x2cc\"&#x2c \"n\": [ 1&#x2c 2 ] }",
      kea22);
  ASSERT_TRUE(record.hasValue()) << record.error();

  Lease4 expected;
  expected.address = v4("192.0.2.2");
  expected.hwaddr = HwAddr{1, {0x01, 0x02, 0x03, 0x04, 0x05, 0x06}};
  expected.client_id = {0x01, 0xaa, 0xbb};
  expected.valid_lifetime = 3600s;
  expected.cltt = UnixTime{1899996400s};
  expected.subnet_id = 1;
  expected.fqdn_fwd = true;
  expected.hostname = "host,with,commas&amp.example.org";
  expected.state = LeaseState::kDeclined;
  expected.user_context = R"({ "a": "b,c", "n": [ 1, 2 ] })";
  EXPECT_FALSE(record->deletes);
  EXPECT_EQ(record->lease, expected);
}

TEST(LeaseFileRecordTest, ParsesKea22Lease6Records) {
  const auto kea22 = header<Lease6>(kKea22Header6);
  auto with_hwaddr = parseRecord<Lease6>(
      "2001:db8:1::2,1a:1b:1c:1d:1e:1f:20:21:22:23:24,3600,1900000000,1,1800,0,4294967295,128,1,1,"
      "host&#x2csix.example.org,0a:0b:0c:0d:0e:0f,1,{ \"x\": { \"y\": \"1&#x2c2\" } },1,0",
      kea22);
  ASSERT_TRUE(with_hwaddr.hasValue()) << with_hwaddr.error();

  Lease6 expected;
  expected.address = v6("2001:db8:1::2");
  expected.duid = {0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24};
  expected.valid_lifetime = 3600s;
  expected.cltt = UnixTime{1899996400s};
  expected.subnet_id = 1;
  expected.preferred_lifetime = 1800s;
  expected.iaid = 0xffffffff;
  expected.fqdn_fwd = true;
  expected.fqdn_rev = true;
  expected.hostname = "host,six.example.org";
  expected.hwaddr = HwAddr{1, {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}};
  expected.state = LeaseState::kDeclined;
  expected.user_context = R"({ "x": { "y": "1,2" } })";
  EXPECT_EQ(with_hwaddr->lease, expected);

  auto prefix = parseRecord<Lease6>(
      "2001:db8:1:8000::,01:02:03:04:05:06:07:08,7200,1900000000,1,3600,2,77,56,0,0,,"
      "00:11:22:33:44:55,0,,1,0",
      kea22);
  ASSERT_TRUE(prefix.hasValue()) << prefix.error();
  EXPECT_EQ(prefix->lease.type, LeaseType::kPd);
  EXPECT_EQ(prefix->lease.prefix_length, 56);
  EXPECT_EQ(prefix->lease.iaid, 77u);
}

TEST(LeaseFileRecordTest, ValidLifetimeZeroMarksDeletion) {
  const auto kea22 = header<Lease4>(kKea22Header4);
  auto record = parseRecord<Lease4>("192.0.2.1,1a:1b:1c:1d:1e:1f,,0,1899992800,1,0,0,,0,", kea22);
  ASSERT_TRUE(record.hasValue()) << record.error();
  EXPECT_TRUE(record->deletes);
  EXPECT_EQ(record->lease.address, v4("192.0.2.1"));
}

// What Leasehold writes is what Kea 2.2 wrote for the same lease, plus the pool_id column.
TEST(LeaseFileRecordTest, EncodesRecordsAsKeaDoes) {
  const std::string kea_line4 =
      "192.0.2.2,01:02:03:04:05:06,01:aa:bb,3600,1900000000,1,1,0,host&#x2cwith&#x2ccommas&#x26amp."
      "example.org,1,{ \"a\": \"b&#x2cc\"&#x2c \"n\": [ 1&#x2c 2 ] }";
  auto record4 = parseRecord<Lease4>(kea_line4, header<Lease4>(kKea22Header4));
  ASSERT_TRUE(record4.hasValue()) << record4.error();
  EXPECT_EQ(encode(record4->lease), kea_line4 + ",0\n");

  for (const std::string kea_line6 :
       {"2001:db8:1::2,1a:1b:1c:1d:1e:1f:20:21:22:23:24,3600,1900000000,1,1800,0,4294967295,128,1,"
        "1,host&#x2csix.example.org,0a:0b:0c:0d:0e:0f,1,{ \"x\": { \"y\": \"1&#x2c2\" } },1,0",
        "2001:db8:2::5,01:02:03:04:05:06:07:09,7200,1900000200,2,3600,0,6,128,0,0,,,0,,,"}) {
    auto record6 = parseRecord<Lease6>(kea_line6, header<Lease6>(kKea22Header6));
    ASSERT_TRUE(record6.hasValue()) << record6.error();
    EXPECT_EQ(encode(record6->lease), kea_line6 + ",0\n");
  }
}

TEST(LeaseFileRecordTest, EncodesDeletionAsKeaDoes) {
  auto record = parseRecord<Lease4>("192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,",
                                    header<Lease4>(kKea22Header4));
  ASSERT_TRUE(record.hasValue()) << record.error();
  std::string line;
  appendDeletion(record->lease, line);
  EXPECT_EQ(line, "192.0.2.1,1a:1b:1c:1d:1e:1f,,0,1899992800,1,0,0,,0,,0\n");

  auto record6 = parseRecord<Lease6>(
      "2001:db8:1::1,01:02:03:04:05:06:07:08,7200,1900000000,1,3600,0,1234,128,0,0,,,0,,,",
      header<Lease6>(kKea22Header6));
  ASSERT_TRUE(record6.hasValue()) << record6.error();
  std::string line6;
  appendDeletion(record6->lease, line6);
  EXPECT_EQ(line6, "2001:db8:1::1,01:02:03:04:05:06:07:08,0,1899992800,1,0,0,1234,128,0,0,,,0,,,,0\n");
}

TEST(LeaseFileRecordTest, MissingOptionalColumnsTakeDefaults) {
  const auto kea10 = header<Lease4>(
      "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname");
  auto record = parseRecord<Lease4>("192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,1,h", kea10);
  ASSERT_TRUE(record.hasValue()) << record.error();
  EXPECT_EQ(record->lease.state, LeaseState::kDefault);
  EXPECT_TRUE(record->lease.user_context.empty());
  EXPECT_EQ(record->lease.pool_id, 0u);
  EXPECT_TRUE(record->lease.fqdn_rev);
}

TEST(LeaseFileRecordTest, IgnoresColumnsOfNewerSchemas) {
  const auto newer = header<Lease4>(std::string(kHeader4).append(",future").c_str());
  auto record =
      parseRecord<Lease4>("192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,,9,anything", newer);
  ASSERT_TRUE(record.hasValue()) << record.error();
  EXPECT_EQ(record->lease.pool_id, 9u);
}

TEST(LeaseFileRecordTest, RoundTripKeepsEveryField) {
  Lease4 lease4 = testing::Family<Lease4>::lease(7);
  lease4.hostname = "a,b&c\nd\re\tf\x7fg\xc3\xa9&#x2c";
  lease4.user_context = R"({"k": "v,&w"})";
  lease4.state = LeaseState::kReleased;
  lease4.pool_id = 12;
  lease4.fqdn_rev = true;
  auto parsed4 = parseRecord<Lease4>(encode(lease4).substr(0, encode(lease4).size() - 1),
                                     header<Lease4>(kHeader4));
  ASSERT_TRUE(parsed4.hasValue()) << parsed4.error();
  EXPECT_EQ(parsed4->lease, lease4);

  Lease6 lease6 = testing::Family<Lease6>::lease(7);
  lease6.hwaddr = HwAddr{};
  lease6.hwaddr.type = 6;  // kept although there is no hardware address
  lease6.hwaddr_source = 8;
  lease6.state = LeaseState::kRegistered;
  const std::string line6 = encode(lease6);
  auto parsed6 = parseRecord<Lease6>(line6.substr(0, line6.size() - 1), header<Lease6>(kHeader6));
  ASSERT_TRUE(parsed6.hasValue()) << parsed6.error();
  EXPECT_EQ(parsed6->lease, lease6);
}

TEST(LeaseFileTextTest, EscapesSeparatorsAmpersandAndControlCharacters) {
  EXPECT_EQ(escapeText("plain.example.org"), "plain.example.org");
  EXPECT_EQ(escapeText("a,b&c"), "a&#x2cb&#x26c");
  EXPECT_EQ(escapeText("line\nbreak\r\t\x7f"), "line&#x0abreak&#x0d&#x09&#x7f");
  EXPECT_EQ(escapeText("\xc3\xa9"), "\xc3\xa9");
}

TEST(LeaseFileTextTest, UnescapesOnlyCompleteSequences) {
  EXPECT_EQ(unescapeText("a&#x2cb&#x26c"), "a,b&c");
  EXPECT_EQ(unescapeText("&#x2C&#X2c"), ",&#X2c");
  EXPECT_EQ(unescapeText("&amp;&#xZZ&#x4"), "&amp;&#xZZ&#x4");
  EXPECT_EQ(unescapeText("&#x26#x2c"), "&#x2c");
  EXPECT_EQ(unescapeText("&#x00"), std::string(1, '\0'));
}

struct CorruptLine {
  const char* line;
  const char* error;
};

// Each line differs from a valid record in one column.
const CorruptLine kCorruptLines4[] = {
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,",
     "expected 12 columns as in the header, found 11"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,,0,",
     "expected 12 columns as in the header, found 13"},
    {"192.0.2.300,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,,0",
     "invalid address \"192.0.2.300\""},
    {"2001:db8::1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,,0",
     "invalid address \"2001:db8::1\""},
    {",1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,,0", "invalid address \"\""},
    {"192.0.2.1,zz:11,,7200,1900000000,1,0,0,,0,,0", "invalid hwaddr \"zz:11\""},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,01:0g,7200,1900000000,1,0,0,,0,,0",
     "invalid client_id \"01:0g\""},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,-5,1900000000,1,0,0,,0,,0",
     "invalid valid_lifetime \"-5\": expected an integer from 0 to 4294967295"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,+7200,1900000000,1,0,0,,0,,0",
     "invalid valid_lifetime \"+7200\": expected an integer from 0 to 4294967295"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,4294967296,6194967296,1,0,0,,0,,0",
     "invalid valid_lifetime \"4294967296\": expected an integer from 0 to 4294967295"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200, 1900000000,1,0,0,,0,,0",
     "invalid expire \" 1900000000\": expected an integer from 0 to 4611686018427387904"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,100,1,0,0,,0,,0",
     "expire 100 is earlier than valid_lifetime 7200"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,4294967296,0,0,,0,,0",
     "invalid subnet_id \"4294967296\": expected an integer from 0 to 4294967295"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,true,0,,0,,0",
     "invalid fqdn_fwd \"true\": expected 0 or 1"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,2,,0,,0",
     "invalid fqdn_rev \"2\": expected 0 or 1"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,5,,0",
     "invalid state \"5\": expected an integer from 0 to 4"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,,,0",
     "invalid state \"\": expected an integer from 0 to 4"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,[1&#x2c2],0",
     "user_context is not a JSON object: [1,2]"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,{oops,0",
     "user_context is not a JSON object: {oops"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,,x",
     "invalid pool_id \"x\": expected an integer from 0 to 4294967295"},
    {"192.0.2.1,01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15,,7200,1900000000,1,"
     "0,0,,0,,0",
     "hwaddr has 21 bytes; expected 0 to 20 bytes"},
    {"192.0.2.1,1a:1b:1c:1d:1e:1f,01,7200,1900000000,1,0,0,,0,,0",
     "client_id has 1 byte; expected 2 to 255 bytes"},
    {"192.0.2.1,,,7200,1900000000,1,0,0,,0,,0",
     "lease for 192.0.2.1 has neither a hwaddr nor a client_id; only a declined lease may have "
     "neither"},
};

const CorruptLine kCorruptLines6[] = {
    {"2001:db8::1,01:02,7200,1900000000,1,3600,0,1,128,0,0,,,0,,,",
     "expected 18 columns as in the header, found 17"},
    {"192.0.2.1,01:02,7200,1900000000,1,3600,0,1,128,0,0,,,0,,,,0",
     "invalid address \"192.0.2.1\""},
    {"2001:db8::1,,7200,1900000000,1,3600,0,1,128,0,0,,,0,,,,0",
     "duid has 0 bytes; expected 1 to 128 bytes"},
    {"2001:db8::1,0x,7200,1900000000,1,3600,0,1,128,0,0,,,0,,,,0",
     "duid has 0 bytes; expected 1 to 128 bytes"},
    {"2001:db8::1,01:02:,7200,1900000000,1,3600,0,1,128,0,0,,,0,,,,0",
     "invalid duid \"01:02:\""},
    {"2001:db8::1,01:02,7200,1900000000,1,x,0,1,128,0,0,,,0,,,,0",
     "invalid pref_lifetime \"x\": expected an integer from 0 to 4294967295"},
    {"2001:db8::1,01:02,7200,1900000000,1,3600,3,1,128,0,0,,,0,,,,0",
     "invalid lease_type \"3\": expected an integer from 0 to 2"},
    {"2001:db8::1,01:02,7200,1900000000,1,3600,0,4294967296,128,0,0,,,0,,,,0",
     "invalid iaid \"4294967296\": expected an integer from 0 to 4294967295"},
    {"2001:db8::1,01:02,7200,1900000000,1,3600,0,1,129,0,0,,,0,,,,0",
     "invalid prefix_len \"129\": expected an integer from 0 to 128"},
    {"2001:db8::1,01:02,7200,1900000000,1,3600,0,1,64,0,0,,,0,,,,0",
     "prefix_length 64 is invalid for an address lease; expected 128"},
    {"2001:db8::,01:02,7200,1900000000,1,3600,2,1,0,0,0,,,0,,,,0",
     "prefix_length 0 is out of range; expected 1 to 128"},
    {"2001:db8::1,01:02,7200,1900000000,1,3600,0,1,128,0,0,,0a:0b,7,,1,0,0",
     "invalid state \"7\": expected an integer from 0 to 4"},
    {"2001:db8::1,01:02,7200,1900000000,1,3600,0,1,128,0,0,,0a:0b,0,,70000,0,0",
     "invalid hwtype \"70000\": expected an integer from 0 to 65535"},
    {"2001:db8::1,01:02,7200,1900000000,1,3600,0,1,128,0,0,,0a:0b,0,,1,-1,0",
     "invalid hwaddr_source \"-1\": expected an integer from 0 to 4294967295"},
    {"2001:db8::1,01:02,7200,1900000000,1,3600,0,1,128,0,0,,,0,not json,,,0",
     "user_context is not a JSON object: not json"},
};

TEST(LeaseFileRecordTest, CorruptLease4LinesGetExactErrors) {
  const auto current = header<Lease4>(kHeader4);
  for (const auto& [line, error] : kCorruptLines4) {
    auto record = parseRecord<Lease4>(line, current);
    ASSERT_FALSE(record.hasValue()) << line;
    EXPECT_EQ(record.error(), error) << line;
  }
}

TEST(LeaseFileRecordTest, CorruptLease6LinesGetExactErrors) {
  const auto current = header<Lease6>(kHeader6);
  for (const auto& [line, error] : kCorruptLines6) {
    auto record = parseRecord<Lease6>(line, current);
    ASSERT_FALSE(record.hasValue()) << line;
    EXPECT_EQ(record.error(), error) << line;
  }
}

TEST(LeaseFileRecordTest, LongValuesAreCutInErrors) {
  const std::string address(100, '9');
  auto record = parseRecord<Lease4>(address + ",1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,,0",
                                    header<Lease4>(kHeader4));
  ASSERT_FALSE(record.hasValue());
  EXPECT_EQ(record.error(), "invalid address \"" + std::string(64, '9') + "...\"");
}

}  // namespace
}  // namespace leasehold::memfile

// DHCPv6 standard option definitions with Kea's names: RFC 8415 and the later RFCs Kea 2.2+
// defines by name, the softwire (S46, RFC 7598) and NTP server (RFC 5908) sub-option spaces,
// ISC's DHCPv4-over-DHCPv6 space, and the DOCSIS 3 vendor options (enterprise 4491).
#include "server/options/standard_tables.h"

namespace leasehold::options::detail {

namespace {
using T = DataType;
constexpr bool kArray = true;
constexpr bool kSingle = false;
}  // namespace

std::vector<StandardSpace> standardV6Spaces() {
  StandardSpace dhcp6{"dhcp6", {
      {"clientid", 1, T::kBinary, kSingle, {}, ""},
      {"serverid", 2, T::kBinary, kSingle, {}, ""},
      {"ia-na", 3, T::kRecord, kSingle, {T::kUint32, T::kUint32, T::kUint32}, ""},
      {"ia-ta", 4, T::kUint32, kSingle, {}, ""},
      {"iaaddr", 5, T::kRecord, kSingle, {T::kIpv6Address, T::kUint32, T::kUint32}, ""},
      {"oro", 6, T::kUint16, kArray, {}, ""},
      {"preference", 7, T::kUint8, kSingle, {}, ""},
      {"elapsed-time", 8, T::kUint16, kSingle, {}, ""},
      {"relay-msg", 9, T::kBinary, kSingle, {}, ""},
      // The 64-bit replay detection field fits no record type, so the payload is opaque.
      {"auth", 11, T::kBinary, kSingle, {}, ""},
      {"unicast", 12, T::kIpv6Address, kSingle, {}, ""},
      {"status-code", 13, T::kRecord, kSingle, {T::kUint16, T::kString}, ""},
      {"rapid-commit", 14, T::kEmpty, kSingle, {}, ""},
      {"user-class", 15, T::kBinary, kSingle, {}, ""},
      {"vendor-class", 16, T::kRecord, kSingle, {T::kUint32, T::kBinary}, ""},
      // The enterprise number; the sub-options come from the "vendor-<number>" space.
      {"vendor-opts", 17, T::kUint32, kSingle, {}, ""},
      {"interface-id", 18, T::kBinary, kSingle, {}, ""},
      {"reconf-msg", 19, T::kUint8, kSingle, {}, ""},
      {"reconf-accept", 20, T::kEmpty, kSingle, {}, ""},
      {"sip-server-dns", 21, T::kFqdn, kArray, {}, ""},
      {"sip-server-addr", 22, T::kIpv6Address, kArray, {}, ""},
      {"dns-servers", 23, T::kIpv6Address, kArray, {}, ""},
      {"domain-search", 24, T::kFqdn, kArray, {}, ""},
      {"ia-pd", 25, T::kRecord, kSingle, {T::kUint32, T::kUint32, T::kUint32}, ""},
      {"iaprefix", 26, T::kRecord, kSingle,
       {T::kUint32, T::kUint32, T::kUint8, T::kIpv6Address}, ""},
      {"nis-servers", 27, T::kIpv6Address, kArray, {}, ""},
      {"nisp-servers", 28, T::kIpv6Address, kArray, {}, ""},
      {"nis-domain-name", 29, T::kFqdn, kArray, {}, ""},
      {"nisp-domain-name", 30, T::kFqdn, kArray, {}, ""},
      {"sntp-servers", 31, T::kIpv6Address, kArray, {}, ""},
      {"information-refresh-time", 32, T::kUint32, kSingle, {}, ""},
      {"bcmcs-server-dns", 33, T::kFqdn, kArray, {}, ""},
      {"bcmcs-server-addr", 34, T::kIpv6Address, kArray, {}, ""},
      // What, country code, then civic address elements (the repeated last field).
      {"geoconf-civic", 36, T::kRecord, kArray, {T::kUint8, T::kUint16, T::kBinary}, ""},
      {"remote-id", 37, T::kRecord, kSingle, {T::kUint32, T::kBinary}, ""},
      {"subscriber-id", 38, T::kBinary, kSingle, {}, ""},
      {"client-fqdn", 39, T::kRecord, kSingle, {T::kUint8, T::kFqdn}, ""},
      {"pana-agent", 40, T::kIpv6Address, kArray, {}, ""},
      {"new-posix-timezone", 41, T::kString, kSingle, {}, ""},
      {"new-tzdb-timezone", 42, T::kString, kSingle, {}, ""},
      {"ero", 43, T::kUint16, kArray, {}, ""},
      {"lq-query", 44, T::kRecord, kSingle, {T::kUint8, T::kIpv6Address}, "dhcp6"},
      {"client-data", 45, T::kEmpty, kSingle, {}, "dhcp6"},
      {"clt-time", 46, T::kUint32, kSingle, {}, ""},
      {"lq-relay-data", 47, T::kRecord, kSingle, {T::kIpv6Address, T::kBinary}, ""},
      {"lq-client-link", 48, T::kIpv6Address, kArray, {}, ""},
      {"v6-lost", 51, T::kFqdn, kSingle, {}, ""},
      {"capwap-ac-v6", 52, T::kIpv6Address, kArray, {}, ""},
      {"relay-id", 53, T::kBinary, kSingle, {}, ""},
      {"ntp-server", 56, T::kEmpty, kSingle, {}, "v6-ntp-server-suboptions"},
      {"v6-access-domain", 57, T::kFqdn, kSingle, {}, ""},
      {"sip-ua-cs-list", 58, T::kFqdn, kArray, {}, ""},
      {"bootfile-url", 59, T::kString, kSingle, {}, ""},
      {"bootfile-param", 60, T::kTuple, kArray, {}, ""},
      {"client-arch-type", 61, T::kUint16, kArray, {}, ""},
      {"nii", 62, T::kRecord, kArray, {T::kUint8, T::kUint8, T::kUint8}, ""},
      {"aftr-name", 64, T::kFqdn, kSingle, {}, ""},
      {"erp-local-domain-name", 65, T::kFqdn, kSingle, {}, ""},
      {"rsoo", 66, T::kEmpty, kSingle, {}, "rsoo-opts"},
      {"pd-exclude", 67, T::kIpv6Prefix, kSingle, {}, ""},
      {"rdnss-selection", 74, T::kRecord, kArray, {T::kIpv6Address, T::kUint8, T::kFqdn}, ""},
      {"client-linklayer-addr", 79, T::kBinary, kSingle, {}, ""},
      {"link-address", 80, T::kIpv6Address, kSingle, {}, ""},
      {"solmax-rt", 82, T::kUint32, kSingle, {}, ""},
      {"inf-max-rt", 83, T::kUint32, kSingle, {}, ""},
      {"dhcpv4-message", 87, T::kBinary, kSingle, {}, ""},
      {"dhcp4o6-server-addr", 88, T::kIpv6Address, kArray, {}, ""},
      {"s46-cont-mape", 94, T::kEmpty, kSingle, {}, "s46-cont-mape-options"},
      {"s46-cont-mapt", 95, T::kEmpty, kSingle, {}, "s46-cont-mapt-options"},
      {"s46-cont-lw", 96, T::kEmpty, kSingle, {}, "s46-cont-lw-options"},
      {"v6-captive-portal", 103, T::kString, kSingle, {}, ""},
      {"relay-source-port", 135, T::kUint16, kSingle, {}, ""},
      {"v6-sztp-redirect", 136, T::kTuple, kArray, {}, ""},
      {"ipv6-address-andsf", 143, T::kIpv6Address, kArray, {}, ""},
      // RFC 9463 encrypted DNS resolver: "priority, adn, addresses, svcparams".
      {"v6-dnr", 144, T::kInternal, kSingle, {}, ""},
      // RFC 9686 address registration.
      {"addr-reg-enable", 148, T::kEmpty, kSingle, {}, ""},
  }};

  StandardSpace ntp{"v6-ntp-server-suboptions", {
      {"ntp-server-address", 1, T::kIpv6Address, kSingle, {}, ""},
      {"ntp-server-multicast", 2, T::kIpv6Address, kSingle, {}, ""},
      {"ntp-server-fqdn", 3, T::kFqdn, kSingle, {}, ""},
  }};

  StandardSpace mape{"s46-cont-mape-options", {
      {"s46-rule", 89, T::kRecord, kSingle,
       {T::kUint8, T::kUint8, T::kUint8, T::kIpv4Address, T::kIpv6Prefix}, "s46-rule-options"},
      {"s46-br", 90, T::kIpv6Address, kSingle, {}, ""},
  }};

  StandardSpace mapt{"s46-cont-mapt-options", {
      {"s46-rule", 89, T::kRecord, kSingle,
       {T::kUint8, T::kUint8, T::kUint8, T::kIpv4Address, T::kIpv6Prefix}, "s46-rule-options"},
      {"s46-dmr", 91, T::kIpv6Prefix, kSingle, {}, ""},
  }};

  StandardSpace lw{"s46-cont-lw-options", {
      {"s46-br", 90, T::kIpv6Address, kSingle, {}, ""},
      {"s46-v4v6bind", 92, T::kRecord, kSingle, {T::kIpv4Address, T::kIpv6Prefix},
       "s46-v4v6bind-options"},
  }};

  StandardSpace rule{"s46-rule-options", {
      {"s46-portparams", 93, T::kRecord, kSingle, {T::kUint8, T::kPsid}, ""},
  }};

  StandardSpace bind{"s46-v4v6bind-options", {
      {"s46-portparams", 93, T::kRecord, kSingle, {T::kUint8, T::kPsid}, ""},
  }};

  StandardSpace dhcp4o6{"4o6", {
      {"4o6-interface", 60000, T::kString, kSingle, {}, ""},
      {"4o6-source-address", 60001, T::kIpv6Address, kSingle, {}, ""},
      {"4o6-source-port", 60002, T::kUint16, kSingle, {}, ""},
  }};

  StandardSpace docsis{"vendor-4491", {
      {"oro", 1, T::kUint16, kArray, {}, ""},
      {"device-type", 2, T::kString, kSingle, {}, ""},
      {"vendor-type", 10, T::kString, kSingle, {}, ""},
      {"tftp-servers", 32, T::kIpv6Address, kArray, {}, ""},
      {"config-file", 33, T::kString, kSingle, {}, ""},
      {"syslog-servers", 34, T::kIpv6Address, kArray, {}, ""},
      {"device-id", 36, T::kBinary, kSingle, {}, ""},
      {"time-servers", 37, T::kIpv6Address, kArray, {}, ""},
      {"time-offset", 38, T::kInt32, kSingle, {}, ""},
  }};

  std::vector<StandardSpace> spaces;
  for (StandardSpace* space : {&dhcp6, &ntp, &mape, &mapt, &lw, &rule, &bind, &dhcp4o6, &docsis}) {
    spaces.push_back(std::move(*space));
  }
  return spaces;
}

}  // namespace leasehold::options::detail

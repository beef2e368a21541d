// Exchange6: the state of processing one DHCPv6 query, split by phase across
// exchange6_select.cc (validation, classification, subnet and host selection, the client's
// leases), exchange6_ia.cc (assigning, renewing and releasing the leases of each IA) and
// exchange6_reply.cc (building the reply). Internal to the DHCPv6 engine.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "server/classify/expression.h"
#include "server/dhcp6/engine6.h"
#include "server/engine/client_classes.h"

namespace leasehold::dhcp6 {

class Exchange6 {
 public:
  Exchange6(Engine6& engine, const Runtime6& runtime, const packet::Pkt6& query,
            const InterfaceAddresses& interfaces)
      : engine_(engine), runtime_(runtime), query_(query), interfaces_(interfaces) {}

  std::optional<Reply6> solicit(DropReason& drop);
  std::optional<Reply6> request(DropReason& drop);
  std::optional<Reply6> renew(DropReason& drop, bool rebind);
  std::optional<Reply6> release(DropReason& drop);
  std::optional<Reply6> decline(DropReason& drop);
  std::optional<Reply6> confirm(DropReason& drop);
  std::optional<Reply6> informationRequest(DropReason& drop);

 private:
  // How an IA is answered.
  enum class IaMode {
    kAdvertise,  // SOLICIT: propose, commit nothing
    kAssign,     // REQUEST, rapid-commit SOLICIT: commit new or existing leases
    kExtend,     // RENEW and REBIND: extend the existing leases, assign when there are none
  };

  // ---- selection (exchange6_select.cc)
  // Checks the client and server identifiers RFC 8415 section 16 requires per message type.
  bool validIdentifiers(bool server_id_required, bool server_id_allowed) const;
  bool selectSubnet();
  SubnetState6* findSubnetForAddress(const IPv6Address& address) const;
  bool subnetAdmitsClient(const SubnetState6& subnet) const;
  void classify();
  void addVendorClass();
  // Evaluates the classes that the reply's shared network, subnet and pool require; called
  // when the reply's options are chosen.
  void collectReplyPools(const packet::Pkt6& out);
  void classifyAdditional();
  classify::PacketView packetView() const;
  DropReason noSubnetReason() const {
    return dropped_by_class_ ? DropReason::kDropClass : DropReason::kNoSubnet;
  }
  void findReservation();
  void extractHwAddr();
  bool loadClientLeases();
  // loadClientLeases() for a SOLICIT on a shared store, which also fetches the lease at the
  // first pool candidate of the first IA in the same store call (findEitherAndGet); that
  // candidate then needs no lookup of its own in pickFromPools().
  bool loadClientLeasesAndCandidate();
  SubnetState6* candidateContaining(const IPv6Address& address) const;
  bool reservedForOther(const IPv6Address& address, const SubnetState6& subnet) const;
  bool ownsLease(const Lease6& lease, uint32_t iaid, LeaseType type) const;
  bool unicastNotAllowed() const;

  // ---- leases (exchange6_ia.cc)
  // Answers every IA_NA, IA_TA and IA_PD of the query in `mode`; appends the IA options to
  // `reply`. Returns false when a store failure means no reply should be sent.
  bool answerIas(packet::Pkt6& reply, IaMode mode);
  std::optional<Reply6> answerWithoutSubnet(packet::MessageType6 type, DropReason& drop);
  bool answerIa(const packet::Ia6& ia, LeaseType type, IaMode mode, packet::Pkt6& reply);
  std::optional<IPv6Address> chooseAddress(const packet::Ia6& ia, LeaseType type,
                                           uint8_t& prefix_length, SubnetState6*& subnet);
  std::optional<IPv6Address> pickFromPools(LeaseType type, uint8_t length_hint,
                                           uint8_t& prefix_length, SubnetState6*& subnet);
  bool usableForClient(const IPv6Address& address, uint32_t iaid, LeaseType type);
  // Whether `current`, the lease at an address (nullopt: none), lets the client have it.
  bool leaseUsable(const std::optional<Lease6>& current, uint32_t iaid, LeaseType type) const;
  bool appropriate(const Lease6& lease) const;
  Lease6 makeLease(const IPv6Address& address, uint8_t prefix_length, uint32_t iaid,
                   LeaseType type, const SubnetState6& subnet, const packet::Ia6& ia) const;
  enum class Commit { kDone, kTaken, kStoreFailed };
  Commit commit(const Lease6& desired, const std::optional<Lease6>& known, SubnetState6& subnet);
  void countAssigned(const Lease6& lease, const std::optional<Lease6>& replaced,
                     SubnetState6& subnet);
  // Keeps the pool state and statistics in step with a lease just written for `desired`.
  void recordClaim(const Lease6& desired, const std::optional<Lease6>& replaced,
                   SubnetState6& subnet);
  // Appends the IA answer for `granted` (not empty) and `zeroed`, and takes the reply's
  // options from the subnet of the first granted lease.
  void writeGranted(packet::Pkt6& reply, uint16_t code, uint32_t iaid,
                    const std::vector<Lease6>& granted, const std::vector<IPv6Address>& zeroed,
                    uint8_t zeroed_length);
  // A REQUEST with one IA asking for one address or prefix: claims it and looks the client's
  // leases up in one store call (LeaseTable::addAndFindEither), and answers the IA. Returns
  // nullopt when the general path must run instead (the address is taken, the request has
  // another shape, or the client holds another lease for the IA that it would keep); then
  // client_leases_ may already be loaded (`leases_loaded`). False when the store failed.
  std::optional<bool> claimRequested(packet::Pkt6& reply, bool& leases_loaded);
  // Keeps the leases in `leases` that lie in a candidate subnet as client_leases_.
  void keepClientLeases(std::vector<Lease6>& leases);
  LeaseQuery6 clientLeaseQuery() const;

  // Runs `act` on each lease the client lists in its IA_NA options (and IA_PD options with
  // `prefixes`) and holds, and answers each IA with Success (`done`) when `act` returned true
  // for one of its leases, else NoBinding. Returns false when the store failed.
  bool forEachListedLease(packet::Pkt6& reply, bool prefixes, std::string_view done,
                          const std::function<bool(const Lease6&)>& act);
  // Answers a RELEASE or DECLINE: checks identifiers and unicast, runs `act` through
  // forEachListedLease, then adds the top-level Success status with text `processed`.
  std::optional<Reply6> answerListedLeases(DropReason& drop, bool prefixes,
                                           std::string_view done, std::string_view processed,
                                           const std::function<bool(const Lease6&)>& act);

  // ---- replies (exchange6_reply.cc)
  Reply6 makeReply(packet::MessageType6 type);
  void addConfiguredOptions(Reply6& reply);
  void setDestination(Reply6& reply) const;
  void addStatus(packet::OptionList& options, packet::StatusCode6 code, std::string_view text) const;
  void writeIa(packet::Pkt6& reply, uint16_t option_code, uint32_t iaid, uint32_t t1, uint32_t t2,
               const std::vector<Lease6>& leases, const std::vector<IPv6Address>& zeroed,
               std::optional<packet::StatusCode6> status, std::string_view status_text,
               uint8_t zeroed_length) const;
  std::pair<uint32_t, uint32_t> timers(const SubnetState6& subnet, const Lease6& lease) const;
  bool requested(uint16_t option_code) const;
  // Returns the prefix to exclude from a delegated prefix (RFC 6603), or nullopt when none is
  // set. A reservation of this prefix decides first, then the prefix's pd-pool.
  std::optional<IPv6Prefix> excludedPrefix(const IPv6Address& prefix, uint8_t length) const;

  Engine6& engine_;
  const Runtime6& runtime_;
  const packet::Pkt6& query_;
  const InterfaceAddresses& interfaces_;

  engine::ClientClasses classes_;
  bool dropped_by_class_ = false;  // the query belongs to the DROP class
  std::vector<uint8_t> duid_;
  HwAddr hwaddr_;
  uint32_t hwaddr_source_ = 0;
  SubnetState6* subnet_ = nullptr;
  std::vector<SubnetState6*> candidates_;
  const config::Reservation6* reservation_ = nullptr;
  SubnetState6* reservation_subnet_ = nullptr;  // the subnet `reservation_` applies in
  std::vector<Lease6> client_leases_;  // the client's leases in the candidate subnets
  std::set<IPv6Address> assigned_in_reply_;  // avoids giving one address to two IAs
  // The first pool candidate, taken from its pool's cursor before the client lookup, and the
  // lease found there. pickFromPools() tries it first; a SOLICIT that offers something else
  // leaves the slot free.
  struct Prefetched {
    const PoolRuntime6* pool = nullptr;
    alloc::SlotIndex slot = 0;
    IPv6Address address;
    std::optional<Lease6> lease;
  };
  std::optional<Prefetched> prefetched_;
  const SubnetState6* options_subnet_ = nullptr;  // subnet whose options the reply carries
  std::vector<const config::Pool6*> reply_pools_;  // pools of the addresses the reply grants
};

}  // namespace leasehold::dhcp6

// Exchange4: the state of processing one DHCPv4 query, split by phase across
// exchange4_select.cc (classification, subnet and host selection, the client's lease),
// exchange4_lease.cc (choosing and committing addresses) and exchange4_reply.cc (building the
// reply). Internal to the DHCPv4 engine.
#pragma once

#include <optional>
#include <vector>

#include "server/classify/expression.h"
#include "server/dhcp4/engine4.h"

namespace leasehold::dhcp4 {

class Exchange4 {
 public:
  Exchange4(Engine4& engine, const Runtime4& runtime, const packet::Pkt4& query,
            const InterfaceAddresses& addresses)
      : engine_(engine), runtime_(runtime), query_(query), addresses_(addresses) {}

  std::optional<Reply4> discover(DropReason& drop);
  std::optional<Reply4> request(DropReason& drop);
  void release(DropReason& drop);
  void decline(DropReason& drop);
  std::optional<Reply4> inform(DropReason& drop);

 private:
  // ---- selection (exchange4_select.cc)
  // Classifies the client, selects its subnet and finds its reservation and current lease.
  // Returns false when no subnet serves the client.
  bool selectSubnet();
  SubnetState4* findSubnetForAddress(IPv4Address address) const;
  SubnetState4* findSubnetForInterface() const;
  void classify();
  // Evaluates the classes that the lease's shared network, subnet and pool (the one holding
  // `address`, when not zero) require; call after choosing the lease, before the options.
  void classifyAdditional(IPv4Address address);
  classify::PacketView packetView() const;
  DropReason noSubnetReason() const {
    return dropped_by_class_ ? DropReason::kDropClass : DropReason::kNoSubnet;
  }
  void findReservation();
  // Loads the client's existing lease within the candidate subnets, if any.
  bool findClientLease();
  // The lookups of the client's leases: by client identifier (when it has one and the subnet
  // matches on it) and by hardware address. False when the client has neither.
  bool clientLeaseQueries(LeaseQuery4& client_id_query, LeaseQuery4& hwaddr_query) const;
  // Sets client_lease_ to the client's lease among `leases`, if any.
  void pickClientLease(const std::vector<Lease4>& leases);
  bool belongsToClient(const Lease4& lease) const;
  bool subnetAdmitsClient(const SubnetState4& subnet) const;
  const config::Reservation4* reservationOwning(IPv4Address address,
                                                const SubnetState4& subnet) const;
  // True when `address` is reserved for a host other than this client.
  bool reservedForOther(IPv4Address address, const SubnetState4& subnet) const;
  SubnetState4* candidateContaining(IPv4Address address) const;

  // ---- leases (exchange4_lease.cc)
  // Picks an address to offer (no store write). nullopt when every pool is exhausted.
  std::optional<IPv4Address> chooseOfferAddress();
  std::optional<IPv4Address> pickFromPools();
  bool usableForClient(IPv4Address address, const SubnetState4& subnet, bool from_pool);
  // Whether the stored lease `current` (nullopt: none) leaves its address free for this client.
  bool leaseUsable(const std::optional<Lease4>& current) const;
  // DISCOVER on a shared store: takes the first pool candidate and looks it up together with
  // the client's leases, in one store call. Falls back to findClientLease() without one.
  bool findClientLeaseAndCandidate();
  bool inPermittedPool(IPv4Address address, const SubnetState4& subnet) const;
  // Writes the lease for `address`; the outcome decides between ACK, NAK and dropping.
  enum class Commit { kAcked, kTaken, kStoreFailed };
  // With `known_taken`, the address is known to have a lease already, so the claim starts by
  // reading it instead of trying to add.
  Commit commitLease(IPv4Address address, bool known_taken = false);
  // Claims `address` for a client in the SELECTING state with one store call, which also
  // returns the client's other leases: no lookup before the write. nullopt when the address
  // already has a lease (the caller then takes the general path).
  std::optional<Commit> claimSelected(IPv4Address address, SubnetState4& subnet);
  // The general REQUEST path: looks the client's lease up, checks that `wanted` may be
  // leased to it (kTaken, for a NAK, when not) and commits. nullopt when the request is
  // dropped, with `drop` set.
  std::optional<Commit> requestByLookup(IPv4Address wanted, bool init_reboot, bool known_taken,
                                        DropReason& drop);
  // True when the client's reservation names `address`.
  bool reservedHere(IPv4Address address) const;
  // Statistics, pool state and the client's old lease after `desired` was claimed.
  void recordClaim(SubnetState4& subnet, const Lease4& desired,
                   const std::optional<Lease4>& replaced);
  Lease4 makeLease(IPv4Address address, const SubnetState4& subnet) const;
  std::string clientHostname() const;
  void markPoolSlot(const SubnetState4& subnet, IPv4Address address, bool used) const;
  void markTakenElsewhere(const SubnetState4& subnet, IPv4Address address) const;
  std::chrono::seconds validLifetime(const SubnetState4& subnet) const;
  void countAllocationFailure();
  void removeOldLease(IPv4Address kept);

  // ---- replies (exchange4_reply.cc)
  Reply4 makeReply(packet::MessageType4 type);
  void addLeaseOptions(Reply4& reply, const Lease4& lease);
  void addConfiguredOptions(Reply4& reply);
  void setDestination(Reply4& reply, packet::MessageType4 type) const;
  IPv4Address serverAddress() const;
  Reply4 makeNak(DropReason& drop);

  Engine4& engine_;
  const Runtime4& runtime_;
  const packet::Pkt4& query_;
  const InterfaceAddresses& addresses_;

  engine::ClientClasses classes_;
  bool dropped_by_class_ = false;  // the query belongs to the DROP class
  HwAddr hwaddr_;
  std::vector<uint8_t> client_id_;  // option 61 payload, empty when absent
  SubnetState4* subnet_ = nullptr;  // the selected subnet
  std::vector<SubnetState4*> candidates_;  // subnets the client may get an address from
  const config::Reservation4* reservation_ = nullptr;
  SubnetState4* reservation_subnet_ = nullptr;  // nullptr for a global reservation
  std::optional<Lease4> client_lease_;
  SubnetState4* lease_subnet_ = nullptr;  // subnet of the lease being offered or committed
  std::optional<Lease4> committed_;
  // The first pool candidate of a DISCOVER on a shared store, with the lease stored at it.
  struct Prefetched {
    const SubnetState4* subnet = nullptr;
    size_t pool = 0;
    alloc::SlotIndex slot = 0;
    IPv4Address address;
    std::optional<Lease4> lease;
  };
  std::optional<Prefetched> prefetched_;
};

}  // namespace leasehold::dhcp4

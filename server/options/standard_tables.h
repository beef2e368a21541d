// The rows of the standard option definition tables, shared by option_definition.cc (which
// builds the searchable sets) and the per-family table files.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "server/options/option_definition.h"

namespace leasehold::options::detail {

struct StandardRow {
  const char* name;
  uint16_t code;
  DataType type;
  bool array;
  std::vector<DataType> record_fields;
  const char* encapsulate;
};

struct StandardSpace {
  const char* space;
  std::vector<StandardRow> rows;
};

// Every space of one family with its rows, in the order Kea's documentation lists them.
std::vector<StandardSpace> standardV4Spaces();
std::vector<StandardSpace> standardV6Spaces();

}  // namespace leasehold::options::detail

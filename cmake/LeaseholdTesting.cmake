# Helpers that declare test programs with the ctest labels scripts/test selects on:
#   unit         no root, no network, no database
#   integration  needs the PostgreSQL and MariaDB servers that scripts/test starts
#   system       needs root: real DHCP clients and perfdhcp in network namespaces
include(GoogleTest)

# leasehold_add_gtest(NAME LABEL label SOURCES ... LIBRARIES ...)
function(leasehold_add_gtest name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} GTest::gtest GTest::gmock GTest::gtest_main
                        leasehold_options)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL}
    DISCOVERY_TIMEOUT 60
    EXTRA_ARGS --gtest_color=no)
endfunction()

# Tests that read the Kea reference material find it through this definition.
add_compile_definitions(LEASEHOLD_SHARED_DIR="${LEASEHOLD_SHARED_DIR}")

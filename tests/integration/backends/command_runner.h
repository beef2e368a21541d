// Runs a program with arguments (no shell) and captures its standard output and exit status.
#pragma once

#include <string>
#include <vector>

namespace leasehold::testing {

struct CommandResult {
  int exit_code = -1;   // -1 when the program could not run or died from a signal
  std::string output;   // standard output; standard error goes to the test's log
};

CommandResult runCommand(const std::vector<std::string>& argv);

// Starts a program with its standard output on a pipe; returns its PID and the pipe's read
// end. Throws std::runtime_error.
struct Child {
  int pid = -1;
  int output_fd = -1;
};
Child startCommand(const std::vector<std::string>& argv);
// Reads the child's output to the end and waits for it; returns what it printed and how it ended.
CommandResult finishCommand(Child child);

}  // namespace leasehold::testing

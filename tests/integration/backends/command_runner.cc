#include "tests/integration/backends/command_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace leasehold::testing {

Child startCommand(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) {
    throw std::runtime_error("pipe() failed");
  }
  const pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error("fork() failed");
  }
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> args;
    for (const std::string& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  return {pid, pipe_fds[0]};
}

CommandResult finishCommand(Child child) {
  CommandResult result;
  char buffer[4096];
  ssize_t count = 0;
  while ((count = read(child.output_fd, buffer, sizeof(buffer))) > 0) {
    result.output.append(buffer, static_cast<size_t>(count));
  }
  close(child.output_fd);
  int status = 0;
  waitpid(child.pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult runCommand(const std::vector<std::string>& argv) {
  return finishCommand(startCommand(argv));
}

}  // namespace leasehold::testing

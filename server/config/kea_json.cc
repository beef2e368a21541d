// Reading Kea's JSON dialect: comments (`//`, `/* */`, `#`), `<?include "file"?>`, numbers
// written without a leading zero (".5") and trailing commas, which Kea's own reader accepts.
// The text is rewritten into plain JSON with a map back to the original files, so that errors
// from nlohmann::json name the file, line and column the operator wrote.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "server/config/parser.h"

namespace leasehold::config {

namespace {

namespace fs = std::filesystem;

// Returns nlohmann's message without its "[json.exception.NAME.ID] " prefix.
std::string withoutExceptionId(const nlohmann::json::exception& error) {
  const std::string text = error.what();
  const size_t end = text.find("] ");
  if (!text.starts_with('[') || end == std::string::npos) {
    return text;
  }
  return text.substr(end + 2);
}

constexpr int kMaxIncludeDepth = 10;
// The largest configuration file, included ones too, that is read. Kea's own example
// configurations are below 100 KiB; 64 MiB leaves room for large reservation lists.
constexpr size_t kMaxConfigFileSize = size_t{64} << 20;

std::string fileTypeName(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "a special file";
  }
}
constexpr std::string_view kIncludeOpen = "<?include";
constexpr std::string_view kIncludeClose = "?>";

// Rewrites Kea JSON into plain JSON while recording where each stretch of output came from.
class Preprocessor {
 public:
  Result<std::string, ConfigError> run(const std::string& text, const std::string& label,
                                       const fs::path& base_directory) {
    auto status = process(text, label, base_directory, 0);
    if (!status) {
      return makeUnexpected(status.error());
    }
    dropTrailingCommas();
    return out_;
  }

  // Returns "file:line:column" for a byte offset of the output.
  std::string locate(size_t offset) const {
    if (segments_.empty()) {
      return "(empty):1:1";
    }
    offset = std::min(offset, out_.size());
    auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                               [](size_t value, const Segment& s) { return value < s.out_offset; });
    const Segment& segment = it == segments_.begin() ? segments_.front() : *std::prev(it);
    size_t line = segment.line;
    size_t column = segment.column;
    for (size_t i = segment.out_offset; i < offset; ++i) {
      if (out_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return labels_[segment.label] + ":" + std::to_string(line) + ":" + std::to_string(column);
  }

 private:
  struct Segment {
    size_t out_offset;
    size_t label;  // index into labels_
    size_t line;
    size_t column;
  };

  static ConfigError error(const std::string& where, const std::string& message) {
    return ConfigError{"", where + ": " + message};
  }

  Result<void, ConfigError> process(const std::string& text, const std::string& label,
                                    const fs::path& base_directory, int depth) {
    const size_t label_index = labels_.size();
    labels_.push_back(label);
    size_t line = 1;
    size_t column = 1;
    auto here = [&] { return label + ":" + std::to_string(line) + ":" + std::to_string(column); };
    auto mark = [&] { segments_.push_back({out_.size(), label_index, line, column}); };
    // Copies text[i] to the output or a blank, keeping newlines so positions stay aligned.
    auto emit = [&](size_t i, bool blank) {
      const char c = text[i];
      out_.push_back(blank && c != '\n' ? ' ' : c);
      if (c == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    };

    mark();
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (c == '\\' && i + 1 < text.size()) {
          emit(i++, false);
        } else if (c == '"') {
          in_string = false;
        }
        emit(i, false);
        continue;
      }

      if (c == '"') {
        in_string = true;
        emit(i, false);
      } else if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
        while (i < text.size() && text[i] != '\n') {
          emit(i++, true);
        }
        if (i < text.size()) {
          emit(i, false);
        }
      } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
        const size_t end = text.find("*/", i + 2);
        if (end == std::string::npos) {
          return makeUnexpected(error(here(), "unterminated /* comment"));
        }
        for (; i < end + 2; ++i) {
          emit(i, true);
        }
        --i;
      } else if (text.compare(i, kIncludeOpen.size(), kIncludeOpen) == 0) {
        size_t next = i;
        auto included = expandInclude(text, next, here(), base_directory, depth);
        if (!included) {
          return makeUnexpected(included.error());
        }
        for (; i < next; ++i) {
          column = text[i] == '\n' ? 1 : column + 1;
          line += text[i] == '\n' ? 1 : 0;
        }
        --i;
        mark();
      } else if (c == '.' && i + 1 < text.size() && isDigit(text[i + 1]) && startsNumber()) {
        // Kea reads ".5" as 0.5; JSON needs the leading zero.
        out_.push_back('0');
        mark();
        emit(i, false);
      } else {
        emit(i, false);
      }
    }
    return {};
  }

  // Expands the directive that starts at `pos` and moves `pos` past its closing "?>".
  Result<void, ConfigError> expandInclude(const std::string& text, size_t& pos,
                                          const std::string& where,
                                          const fs::path& base_directory, int depth) {
    const size_t close = text.find(kIncludeClose, pos);
    if (close == std::string::npos) {
      return makeUnexpected(error(where, "unterminated <?include directive"));
    }
    const std::string directive = text.substr(pos + kIncludeOpen.size(),
                                              close - pos - kIncludeOpen.size());
    const size_t open_quote = directive.find('"');
    const size_t close_quote = directive.rfind('"');
    if (open_quote == std::string::npos || close_quote == open_quote) {
      return makeUnexpected(error(where, "invalid <?include directive: expected <?include "
                                         "\"file\"?>"));
    }
    pos = close + kIncludeClose.size();
    if (depth + 1 > kMaxIncludeDepth) {
      return makeUnexpected(error(where, "includes are nested deeper than " +
                                             std::to_string(kMaxIncludeDepth) + " levels"));
    }

    fs::path target = directive.substr(open_quote + 1, close_quote - open_quote - 1);
    if (target.is_relative()) {
      target = base_directory / target;
    }
    std::error_code ignored;
    const fs::path canonical = fs::weakly_canonical(target, ignored);
    if (std::find(stack_.begin(), stack_.end(), canonical) != stack_.end()) {
      return makeUnexpected(error(where, "include loop: " + target.string() +
                                             " is already being included"));
    }

    auto contents = readFile(target);
    if (!contents) {
      return makeUnexpected(error(where, contents.error()));
    }
    stack_.push_back(canonical);
    auto status = process(*contents, target.string(), target.parent_path(), depth + 1);
    stack_.pop_back();
    return status;
  }

  // True when a '.' at the current output end would start a number (after ':', '[', ',').
  bool startsNumber() const {
    for (auto it = out_.rbegin(); it != out_.rend(); ++it) {
      if (*it == ' ' || *it == '\t' || *it == '\n' || *it == '\r') {
        continue;
      }
      return *it == ':' || *it == '[' || *it == ',' || *it == '-';
    }
    return true;
  }

  static bool isDigit(char c) { return c >= '0' && c <= '9'; }

  // Blanks commas that directly precede '}' or ']', which Kea tolerates.
  void dropTrailingCommas() {
    bool in_string = false;
    size_t pending_comma = std::string::npos;
    for (size_t i = 0; i < out_.size(); ++i) {
      const char c = out_[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        continue;
      }
      if ((c == '}' || c == ']') && pending_comma != std::string::npos) {
        out_[pending_comma] = ' ';
      }
      pending_comma = c == ',' ? i : std::string::npos;
      in_string = c == '"';
    }
  }

 public:
  // Reads a configuration file or an included one. Only regular files of at most
  // kMaxConfigFileSize bytes are read, so a device (/dev/zero) or a FIFO cannot block or
  // exhaust memory, and a directory gets a message instead of reading as empty text.
  static Result<std::string, std::string> readFile(const fs::path& file) {
    std::error_code status_error;
    const fs::file_status status = fs::status(file, status_error);
    if (status_error) {
      return makeUnexpected("failed to open " + file.string() + ": " + status_error.message());
    }
    if (!fs::is_regular_file(status)) {
      return makeUnexpected("failed to read " + file.string() + ": it is " +
                            fileTypeName(status.type()) + ", not a regular file");
    }
    std::ifstream stream(file, std::ios::binary);
    if (!stream) {
      return makeUnexpected("failed to open " + file.string() + ": " + std::strerror(errno));
    }
    // The size is checked on the bytes read, because the file may grow after fs::status().
    std::string contents;
    std::array<char, 64 * 1024> buffer;
    while (stream.read(buffer.data(), buffer.size()) || stream.gcount() > 0) {
      contents.append(buffer.data(), static_cast<size_t>(stream.gcount()));
      if (contents.size() > kMaxConfigFileSize) {
        return makeUnexpected("failed to read " + file.string() + ": it is larger than " +
                              std::to_string(kMaxConfigFileSize >> 20) + " MiB");
      }
    }
    if (stream.bad()) {
      return makeUnexpected("failed to read " + file.string());
    }
    return contents;
  }

  void enter(const fs::path& file) {
    std::error_code ignored;
    stack_.push_back(fs::weakly_canonical(file, ignored));
  }

 private:
  std::string out_;
  std::vector<Segment> segments_;
  std::vector<std::string> labels_;
  std::vector<fs::path> stack_;
};

// A key that appears twice in one object, with the output offsets of both appearances.
struct DuplicateKey {
  std::string key;
  size_t first_offset = 0;
  size_t offset = 0;
};

// Finds the first key that repeats within one object of `json`, which nlohmann::json would
// silently overwrite and Kea rejects. REQUIRES: `json` is valid JSON (it has been parsed), so
// every string is terminated and every key is followed by a colon.
std::optional<DuplicateKey> findDuplicateKey(const std::string& json) {
  // One map per open object or array; arrays keep theirs empty.
  std::vector<std::map<std::string, size_t>> open;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '{' || c == '[') {
      open.emplace_back();
      continue;
    }
    if (c == '}' || c == ']') {
      open.pop_back();
      continue;
    }
    if (c != '"') {
      continue;
    }

    const size_t start = i;
    bool escaped = false;
    for (++i; json[i] != '"'; ++i) {
      if (json[i] == '\\') {
        escaped = true;
        ++i;
      }
    }
    const size_t next = json.find_first_not_of(" \t\r\n", i + 1);
    const bool is_key = next != std::string::npos && json[next] == ':' && !open.empty();
    if (!is_key) {
      continue;
    }
    std::string raw = json.substr(start, i + 1 - start);
    std::string key = escaped ? nlohmann::json::parse(raw).get<std::string>()
                              : raw.substr(1, raw.size() - 2);
    const auto [existing, inserted] = open.back().emplace(std::move(key), start);
    if (!inserted) {
      return DuplicateKey{existing->first, existing->second, start};
    }
  }
  return std::nullopt;
}

Result<nlohmann::json, ConfigError> parseText(const std::string& text, const std::string& label,
                                              const fs::path& base_directory,
                                              Preprocessor& preprocessor) {
  auto plain = preprocessor.run(text, label, base_directory);
  if (!plain) {
    return makeUnexpected(plain.error());
  }

  nlohmann::json root;
  try {
    root = nlohmann::json::parse(*plain);
  } catch (const nlohmann::json::parse_error& e) {
    std::string reason = e.what();
    const size_t column_end = reason.find(": ", reason.find("column"));
    if (column_end != std::string::npos) {
      reason = reason.substr(column_end + 2);
    }
    const size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    return makeUnexpected(ConfigError{"", preprocessor.locate(offset) + ": invalid JSON: " + reason});
  } catch (const nlohmann::json::exception& e) {
    // A number beyond the range of a double ends here (out_of_range 406), with no position.
    return makeUnexpected(ConfigError{"", label + ": invalid JSON: " + withoutExceptionId(e)});
  }
  if (const auto duplicate = findDuplicateKey(*plain)) {
    return makeUnexpected(ConfigError{
        "", preprocessor.locate(duplicate->offset) + ": duplicate key \"" + duplicate->key +
                "\" in one object (first at " + preprocessor.locate(duplicate->first_offset) +
                ")"});
  }
  return root;
}

}  // namespace

std::string ConfigError::toString() const {
  return path.empty() ? message : path + ": " + message;
}

Result<nlohmann::json, ConfigError> loadKeaJsonFile(const std::filesystem::path& file) {
  auto text = Preprocessor::readFile(file);
  if (!text) {
    return makeUnexpected(ConfigError{"", text.error()});
  }
  Preprocessor preprocessor;
  preprocessor.enter(file);
  return parseText(*text, file.string(), file.parent_path(), preprocessor);
}

Result<nlohmann::json, ConfigError> parseKeaJsonText(const std::string& text,
                                                     const std::filesystem::path& base_directory) {
  Preprocessor preprocessor;
  return parseText(text, "(text)", base_directory, preprocessor);
}

}  // namespace leasehold::config

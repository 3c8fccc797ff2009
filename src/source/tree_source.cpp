#include "source/tree_source.h"

namespace ksa {

std::string_view describe(EntryKind kind) {
    switch (kind) {
    case EntryKind::missing: return "missing";
    case EntryKind::file: return "a file";
    case EntryKind::directory: return "a directory";
    case EntryKind::symlink: return "a symbolic link";
    case EntryKind::submodule: return "a submodule";
    case EntryKind::other: return "a special file";
    }
    return "unknown";
}

} // namespace ksa

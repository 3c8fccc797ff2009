// Repository's private state, shared by the files of git/ that implement its methods.
#pragma once

#include <string>

#include "git/handles.h"
#include "git/repository.h"

namespace ksa::git {

struct Repository::State {
    RepositoryPtr repository;
    std::string index_file;  // GIT_INDEX_FILE at open time, "" when unset
};

} // namespace ksa::git

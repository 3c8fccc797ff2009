// Repository's private state, shared by the files of git/ that implement its methods.
#pragma once

#include <memory>
#include <string>

#include "git/handles.h"
#include "git/repository.h"
#include "git/tree_walk.h"

namespace ksa::git {

struct Repository::State {
    // Shared with the object store, which sources keep alive after the Repository is gone.
    std::shared_ptr<git_repository> repository;
    std::string index_file; // GIT_INDEX_FILE at open time, "" when unset
    std::shared_ptr<ObjectStore> store_;

    // The run's object reader and tree cache, made on first use (a hook's budgets).
    std::shared_ptr<ObjectStore> store() {
        if (!store_) store_ = std::make_shared<ObjectStore>(repository, hook_cache_bytes, hook_cache_bytes);
        return store_;
    }
};

} // namespace ksa::git

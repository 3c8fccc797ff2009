// The pre-receive hook's settings: the koder-audit.* values of the repository's git config
// (with the user's and the system's), under them those of the file koder-audit.configFile
// names, and over all the command line's. Never the pushed tree's, so a push cannot weaken its
// own audit.
#pragma once

#include "config/settings.h"
#include "git/repository.h"

namespace ksa::receive {

Expected<LoadedSettings> read_server_settings(git::Repository& repository, const SettingOverrides& overrides);

} // namespace ksa::receive

// The stability verdicts gate-check consumes, from `--history`: the G3 verdicts of the audited
// revision's history (HEAD for the working tree and the index). gate_check.cpp only takes the
// StabilityOracle interface, so it does not depend on history/ and tests can pass a lambda.
#pragma once

#include <string>
#include <vector>

#include "config/audit_config.h"
#include "evidence/stability.h"

namespace ksa::evidence {

// `revision` "" means HEAD. When the history cannot be read (no commits yet, not a repository),
// a note in `notes` says so and the oracle is empty: the claims stay unchecked.
StabilityOracle history_oracle(const std::string& revision, const AuditConfig& config, std::vector<std::string>& notes);

} // namespace ksa::evidence

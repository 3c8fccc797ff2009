// The precedent lists of the anti-drift heuristic (RFC-002 §3.4): read from the audited tree
// here, handed to the rules as data (rules never read files).
#pragma once

#include <string>
#include <string_view>

#include "config/audit_config.h"
#include "diag/diagnostic.h"
#include "rules/context.h"
#include "source/tree_source.h"

namespace ksa::audit {

// Adds to `into` what `text` cites inside the Markdown section whose heading contains
// `section` (ASCII case-insensitive; "" = the whole file): every inline code span holding a
// module name (`kodec`: letters, digits, `.`, `_`, `-`, `+`) or a module folder
// (`engines/kodec/`). Fenced code blocks are skipped. `label` is what the rule will quote.
// False when no heading matches `section`.
bool parse_precedent_list(std::string_view text, std::string_view section, const std::string& label,
                          rules::PrecedentNames& into);

struct LoadedPrecedents {
    rules::PrecedentNames names;
    Diagnostics problems; // KSA019 warnings: a list missing (when configured), unreadable, no section
};

// Reads every configured precedent file of `source`. A default file that does not exist is
// skipped silently (the repository keeps no such list); anything else wrong is a warning.
LoadedPrecedents load_precedents(TreeSource& source, const AuditConfig& config);

} // namespace ksa::audit

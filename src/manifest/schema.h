// The JSON Schema (draft-07, as taplo and editors read it) of koder.toml and of the
// self-hosted fragments, as far as this tool checks them: generated from the tables the rules
// read (categories and statuses in model.h, the [self_hosted] keys in fields.h, the gate and
// case grammars in gate.h) and from the rule catalogue's severities, so it cannot drift from
// them.
#pragma once

#include <string>

#include "diag/rule.h"
#include "manifest/paths.h"

namespace ksa::manifest {

// The schema of a module's koder.toml (ManifestKind::module) or of a fragment, holding what
// the rules report as errors in `phase`: in phase 5 also a missing `category`, unknown keys of
// [self_hosted] and gates listed twice, which phase 4 only warns about (a schema has no
// warnings).
std::string koder_toml_schema(ManifestKind kind, Phase phase);

} // namespace ksa::manifest
